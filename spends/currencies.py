"""ISO 4217 currency codes the application accepts, with the symbol used to write amounts."""

# Active ISO 4217 codes. Symbols are given where one is in common use; other currencies are
# written with their code ("CHF 12.00").
CURRENCIES: dict[str, str] = {
    "AED": "", "AFN": "", "ALL": "", "AMD": "", "ANG": "", "AOA": "", "ARS": "", "AUD": "A$",
    "AWG": "", "AZN": "", "BAM": "", "BBD": "", "BDT": "", "BGN": "", "BHD": "", "BIF": "",
    "BMD": "", "BND": "", "BOB": "", "BRL": "R$", "BSD": "", "BTN": "", "BWP": "", "BYN": "",
    "BZD": "", "CAD": "CA$", "CDF": "", "CHF": "", "CLP": "", "CNY": "CN¥", "COP": "", "CRC": "",
    "CUP": "", "CVE": "", "CZK": "", "DJF": "", "DKK": "", "DOP": "", "DZD": "", "EGP": "",
    "ERN": "", "ETB": "", "EUR": "€", "FJD": "", "FKP": "", "GBP": "£", "GEL": "", "GHS": "",
    "GIP": "", "GMD": "", "GNF": "", "GTQ": "", "GYD": "", "HKD": "HK$", "HNL": "", "HTG": "",
    "HUF": "", "IDR": "", "ILS": "₪", "INR": "₹", "IQD": "", "IRR": "", "ISK": "", "JMD": "",
    "JOD": "", "JPY": "¥", "KES": "", "KGS": "", "KHR": "", "KMF": "", "KPW": "", "KRW": "₩",
    "KWD": "", "KYD": "", "KZT": "", "LAK": "", "LBP": "", "LKR": "", "LRD": "", "LSL": "",
    "LYD": "", "MAD": "", "MDL": "", "MGA": "", "MKD": "", "MMK": "", "MNT": "", "MOP": "",
    "MRU": "", "MUR": "", "MVR": "", "MWK": "", "MXN": "MX$", "MYR": "", "MZN": "", "NAD": "",
    "NGN": "", "NIO": "", "NOK": "", "NPR": "", "NZD": "NZ$", "OMR": "", "PAB": "", "PEN": "",
    "PGK": "", "PHP": "₱", "PKR": "", "PLN": "", "PYG": "", "QAR": "", "RON": "", "RSD": "",
    "RUB": "", "RWF": "", "SAR": "", "SBD": "", "SCR": "", "SDG": "", "SEK": "", "SGD": "",
    "SHP": "", "SLE": "", "SOS": "", "SRD": "", "SSP": "", "STN": "", "SYP": "", "SZL": "",
    "THB": "", "TJS": "", "TMT": "", "TND": "", "TOP": "", "TRY": "", "TTD": "", "TWD": "NT$",
    "TZS": "", "UAH": "", "UGX": "", "USD": "$", "UYU": "", "UZS": "", "VES": "", "VND": "₫",
    "VUV": "", "WST": "", "XAF": "", "XCD": "", "XOF": "", "XPF": "", "YER": "", "ZAR": "",
    "ZMW": "", "ZWL": "",
}  # fmt: skip

CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]
DEFAULT_CURRENCY = "USD"


def currency_symbol(code: str) -> str:
    return CURRENCIES.get(code, "")
