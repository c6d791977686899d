"""Fill one account with realistic demo data: retailers, brands, purchases and warranties.

    python manage.py seed_demo [USERNAME] [--purchases N] [--seed S]

Purchases are spread over the last two years up to the owner's today; about 10% are recent
orders not yet received, and about 70% have a warranty. Every warranty state appears: active,
expiring soon, expired, voided and lifetime. The same seed gives the same data (relative to
today). Rows are bulk-created in one transaction, each valid per the models' full_clean rules.
"""

import datetime
import random
import string
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.selectors import today_for
from catalog.models import Brand, CatalogEntry, Retailer
from catalog.selectors import CatalogModel, catalog_find_by_name
from catalog.services import catalog_create
from purchases.models import Purchase, PurchaseStatus
from spends.dates import add_months
from warranties.models import Warranty, WarrantyType
from warranties.status import EXPIRING_SOON_DAYS

DEFAULT_PURCHASES = 300
MAX_PURCHASES = 100_000
HISTORY_DAYS = 730  # purchases go back two years
ORDERED_SHARE = Decimal("0.10")
ORDERED_MAX_AGE_DAYS = 20
# Orders not yet received have no warranty yet, so received ones get a little more than 70%.
WARRANTY_CHANCE = 0.78
VOIDED_CHANCE = 0.04
CENT = Decimal("0.01")

# name: (url, weight when choosing among a product's shops, {currency: weight})
RETAILERS: dict[str, tuple[str, float, dict[str, float]]] = {
    "Amazon": ("https://www.amazon.com", 5.0, {"USD": 7, "EUR": 2, "GBP": 1}),
    "Best Buy": ("https://www.bestbuy.com", 3.0, {"USD": 1}),
    "Apple Store": ("https://www.apple.com/store", 3.0, {"USD": 7, "EUR": 2, "GBP": 1}),
    "Home Depot": ("https://www.homedepot.com", 2.0, {"USD": 1}),
    "Costco": ("https://www.costco.com", 2.0, {"USD": 1}),
    "IKEA": ("https://www.ikea.com", 1.5, {"USD": 6, "EUR": 3, "GBP": 1}),
    "MediaMarkt": ("https://www.mediamarkt.de", 1.2, {"EUR": 1}),
    "John Lewis": ("https://www.johnlewis.com", 1.0, {"GBP": 1}),
    "Decathlon": ("https://www.decathlon.com", 1.0, {"EUR": 3, "GBP": 1, "USD": 1}),
}

BRANDS: dict[str, str] = {
    "Apple": "https://www.apple.com",
    "Samsung": "https://www.samsung.com",
    "Sony": "https://www.sony.com",
    "Bosch": "https://www.bosch-home.com",
    "Dyson": "https://www.dyson.com",
    "LG": "https://www.lg.com",
    "Logitech": "https://www.logitech.com",
    "Philips": "https://www.philips.com",
    "Lenovo": "https://www.lenovo.com",
    "Nintendo": "https://www.nintendo.com",
    "Canon": "https://www.canon.com",
    "KitchenAid": "https://www.kitchenaid.com",
    "Garmin": "https://www.garmin.com",
    "Le Creuset": "https://www.lecreuset.com",
}

ELECTRONICS_SHOPS = ("Amazon", "Best Buy", "MediaMarkt", "John Lewis", "Costco")
APPLIANCE_SHOPS = ("Home Depot", "Best Buy", "Amazon", "MediaMarkt", "John Lewis", "Costco")
BRAND_SHOPS: dict[str, tuple[str, ...]] = {
    "Apple": ("Apple Store", "Amazon", "Best Buy", "MediaMarkt", "John Lewis", "Costco"),
    "Samsung": ELECTRONICS_SHOPS,
    "Sony": ELECTRONICS_SHOPS,
    "Bosch": ("Home Depot", "Amazon", "MediaMarkt", "John Lewis"),
    "Dyson": ("Amazon", "Best Buy", "John Lewis", "MediaMarkt", "Costco"),
    "LG": ELECTRONICS_SHOPS,
    "Logitech": ("Amazon", "Best Buy", "MediaMarkt", "John Lewis", "Costco"),
    "Philips": ("Amazon", "Best Buy", "MediaMarkt", "John Lewis", "Costco"),
    "Lenovo": ("Amazon", "Best Buy", "MediaMarkt", "John Lewis", "Costco"),
    "Nintendo": ("Amazon", "Best Buy", "MediaMarkt", "John Lewis", "Costco"),
    "Canon": ("Amazon", "Best Buy", "MediaMarkt", "John Lewis"),
    "KitchenAid": ("Amazon", "Home Depot", "John Lewis", "Costco", "Best Buy"),
    "Garmin": ("Amazon", "Best Buy", "Decathlon", "John Lewis", "MediaMarkt"),
    "Le Creuset": ("Amazon", "John Lewis", "Costco"),
    "": ("Amazon",),
}


class Product(NamedTuple):
    name: str
    brand: str  # "" for a shop's own label
    model: str
    low: int  # price range, in US dollars
    high: int
    months: int | None  # the usual warranty; 0 = lifetime, None = usually none
    serial: bool = True
    weight: float = 1.0
    shops: tuple[str, ...] = ()  # defaults to the brand's shops


PRODUCTS: tuple[Product, ...] = (
    Product("Apple MacBook Air 13\" M3", "Apple", "MRXN3LL/A", 999, 1299, 12),
    Product("Apple iPhone 15 Pro", "Apple", "MTUV3LL/A", 999, 1199, 12),
    Product("Apple AirPods Pro (2nd generation)", "Apple", "MTJV3AM/A", 189, 249, 12, True, 2),
    Product("Apple iPad Air 11\"", "Apple", "MUWD3LL/A", 549, 749, 12),
    Product("Apple Watch Series 9", "Apple", "MR933LL/A", 349, 429, 12),
    Product("Apple Magic Keyboard", "Apple", "MK2A3LL/A", 89, 99, 12, True, 1.5),
    Product("Samsung Galaxy S24 Ultra", "Samsung", "SM-S928U", 1099, 1299, 12),
    Product("Samsung 65\" QLED 4K TV Q80C", "Samsung", "QN65Q80CAFXZA", 899, 1299, 12),
    Product("Samsung Galaxy Tab S9", "Samsung", "SM-X710", 699, 799, 12),
    Product("Samsung T7 Portable SSD 1TB", "Samsung", "MU-PC1T0T", 79, 119, 36, True, 2),
    Product(
        "Samsung Bespoke Front Load Washer", "Samsung", "WF53BB8700AT", 999, 1399, 12,
        True, 0.6, APPLIANCE_SHOPS,
    ),
    Product("Sony WH-1000XM5 Headphones", "Sony", "WH1000XM5/B", 299, 399, 12, True, 1.5),
    Product("Sony WF-1000XM5 Earbuds", "Sony", "WF1000XM5/B", 249, 299, 12),
    Product("Sony Alpha a7 IV Camera", "Sony", "ILCE-7M4", 2199, 2499, 12, True, 0.5),
    Product("Sony PlayStation 5 Console", "Sony", "CFI-2015", 449, 499, 12),
    Product("Sony Bravia 55\" 4K TV X90L", "Sony", "XR55X90L", 999, 1199, 12, True, 0.6),
    Product(
        "Bosch 800 Series Dishwasher", "Bosch", "SHP78CM5N", 1199, 1499, 24, True, 0.6,
        APPLIANCE_SHOPS,
    ),
    Product("Bosch 18V Cordless Drill Driver", "Bosch", "GSR18V-55", 99, 179, 24, True, 1.5),
    Product("Bosch Serie 6 Washing Machine", "Bosch", "WAU28PH9GB", 599, 799, 24, True, 0.6),
    Product("Bosch GLM 50 Laser Measure", "Bosch", "GLM50-27CG", 99, 149, 24),
    Product("Bosch ErgoMaster Hand Blender", "Bosch", "MS6CM6155", 59, 89, 24),
    Product("Dyson V15 Detect Vacuum", "Dyson", "SV47", 649, 749, 24),
    Product("Dyson Supersonic Hair Dryer", "Dyson", "HD08", 399, 429, 24),
    Product("Dyson Purifier Cool TP07", "Dyson", "TP07", 499, 649, 24),
    Product("Dyson Airwrap Multi-styler", "Dyson", "HS05", 499, 599, 24),
    Product("LG C3 65\" OLED TV", "LG", "OLED65C3PUA", 1499, 1999, 12, True, 0.7),
    Product("LG UltraGear 27\" Gaming Monitor", "LG", "27GP850-B", 299, 449, 12),
    Product(
        "LG InstaView French Door Refrigerator", "LG", "LRMVS3006S", 2499, 3299, 12,
        True, 0.4, ("Home Depot", "Best Buy", "Costco"),
    ),
    Product(
        "LG Front Load Washer WM4000HWA", "LG", "WM4000HWA", 849, 1099, 12, True, 0.5,
        ("Home Depot", "Best Buy", "Costco"),
    ),
    Product("LG XBOOM Go Bluetooth Speaker", "LG", "XG7QBK", 149, 199, 12),
    Product("Logitech MX Master 3S Mouse", "Logitech", "910-006557", 89, 109, 12, True, 2),
    Product("Logitech MX Keys S Keyboard", "Logitech", "920-011406", 99, 119, 12, True, 1.5),
    Product("Logitech C920 HD Pro Webcam", "Logitech", "960-000764", 59, 79, 24),
    Product("Logitech G Pro X Superlight Mouse", "Logitech", "910-005878", 129, 159, 24),
    Product("Logitech Brio 4K Webcam", "Logitech", "960-001105", 169, 199, 36),
    Product("Philips Sonicare DiamondClean Toothbrush", "Philips", "HX9911", 179, 229, 24),
    Product("Philips Hue White and Color Starter Kit", "Philips", "563221", 149, 199, 24),
    Product("Philips Airfryer XXL", "Philips", "HD9650/96", 249, 349, 24),
    Product("Philips 3200 Series Espresso Machine", "Philips", "EP3241/54", 499, 699, 24),
    Product("Lenovo ThinkPad X1 Carbon Gen 11", "Lenovo", "21HM0046US", 1399, 1899, 12),
    Product("Lenovo Legion 5 Pro Laptop", "Lenovo", "82WM0064US", 1199, 1499, 12),
    Product("Lenovo Tab P11 Tablet", "Lenovo", "ZABF0001US", 199, 279, 12),
    Product("Lenovo ThinkVision 27\" Monitor", "Lenovo", "63DBMAR1US", 229, 299, 36),
    Product("Nintendo Switch OLED Console", "Nintendo", "HEG-001", 329, 349, 12),
    Product("Nintendo Switch Pro Controller", "Nintendo", "HAC-013", 59, 69, 12),
    Product("Nintendo Switch Lite", "Nintendo", "HDH-001", 189, 199, 12),
    Product("Canon EOS R6 Mark II Camera", "Canon", "5666C002", 2299, 2499, 12, True, 0.4),
    Product("Canon RF 24-105mm f/4L Lens", "Canon", "2963C002", 999, 1299, 12, True, 0.5),
    Product("Canon PIXMA G7020 Printer", "Canon", "3114C002", 229, 299, 12),
    Product("KitchenAid Artisan Stand Mixer", "KitchenAid", "KSM150PSER", 379, 459, 12),
    Product("KitchenAid 2-Speed Hand Blender", "KitchenAid", "KHBV53", 49, 69, 12),
    Product("KitchenAid Pro Line Toaster", "KitchenAid", "KMT4203", 129, 179, 12),
    Product("Garmin Forerunner 265 Watch", "Garmin", "010-02810-00", 399, 449, 12),
    Product("Garmin Edge 540 Bike Computer", "Garmin", "010-02694-00", 299, 349, 12),
    Product("Garmin fenix 7 Pro Solar", "Garmin", "010-02777-00", 699, 799, 12, True, 0.6),
    Product("Garmin inReach Mini 2", "Garmin", "010-02602-00", 349, 399, 12, True, 0.6),
    Product(
        "Le Creuset Signature Round Dutch Oven 5.5 qt", "Le Creuset", "LS2501-26", 379, 429, 0,
        False, 0.4,
    ),
    Product(
        "Le Creuset Signature Cast Iron Skillet", "Le Creuset", "LS2024-26", 199, 249, 0,
        False, 0.3,
    ),
    Product("IKEA KALLAX Shelf Unit", "", "802.758.87", 69, 109, None, False, 1.5, ("IKEA",)),
    Product("IKEA MALM 6-Drawer Dresser", "", "704.035.86", 229, 279, None, False, 1, ("IKEA",)),
    Product("IKEA MARKUS Office Chair", "", "702.611.50", 229, 279, 120, False, 1, ("IKEA",)),
    Product("IKEA BEKANT Desk", "", "492.825.05", 249, 349, 120, False, 1, ("IKEA",)),
    Product("IKEA POÄNG Armchair", "", "393.078.02", 129, 179, 120, False, 1, ("IKEA",)),
    Product(
        "Rockrider ST 540 Mountain Bike", "", "8558493", 549, 649, 0, True, 0.4, ("Decathlon",),
    ),
    Product(
        "Quechua MH500 Hiking Boots", "", "8543365", 89, 119, 24, False, 1, ("Decathlon",),
    ),
    Product(
        "Forclaz Trek 100 Backpack 50L", "", "8529024", 59, 79, 120, False, 1, ("Decathlon",),
    ),
    Product(
        "Domyos 20 kg Dumbbell Set", "", "8382798", 49, 79, 24, False, 0.8, ("Decathlon",),
    ),
)  # fmt: skip

# Rough local price level compared with the US dollar list price.
PRICE_LEVEL = {"USD": Decimal("1"), "EUR": Decimal("1.02"), "GBP": Decimal("0.89")}

EXTENDED_PROVIDERS = {
    "Apple": "AppleCare+",
    "Best Buy": "Geek Squad Protection",
    "Amazon": "Asurion",
    "Costco": "Allstate Protection Plans",
    "John Lewis": "John Lewis Extended Warranty",
    "MediaMarkt": "MediaMarkt Garantie Plus",
    "Home Depot": "The Home Depot Protection Plan",
}
OTHER_PROVIDERS = {
    "Costco": "Costco Concierge Services",
    "John Lewis": "John Lewis Guarantee",
    "Decathlon": "Decathlon",
    "IKEA": "IKEA",
}

PURCHASE_NOTES = (
    "Gift for Mom's birthday.",
    "Price matched with a competitor.",
    "Replacement for the old one that broke.",
    "For the home office setup.",
    "Used a 10% off coupon.",
    "Paid with the travel credit card.",
    "Second one, for the living room.",
)
RECEIVED_NOTES = (
    "Open-box deal, small scratch on the side.",
    "Original box kept in the garage.",
    "Delivered a day late, box was dented.",
)
SEASON_NOTES = ("Bought in the Black Friday sale.", "Christmas present.")
WARRANTY_NOTES = (
    "Registered online with the manufacturer.",
    "Keep the receipt: needed for any claim.",
    "Covers accidental damage, two claims a year.",
    "Claims through the retailer's service desk.",
    "Includes free battery replacement.",
)
VOID_NOTES = (
    "Voided: repaired by a third-party shop.",
    "Voided: water damage is not covered.",
    "Voided: claim refused, device was opened.",
    "Voided: sold second-hand, not transferable.",
)
SERIAL_PREFIXES = {
    "Apple": "", "Samsung": "R5", "Sony": "S01", "Bosch": "FD", "Dyson": "X", "LG": "3",
    "Logitech": "2", "Philips": "PH", "Lenovo": "PF", "Nintendo": "XKW", "Canon": "0",
    "KitchenAid": "W", "Garmin": "3", "": "DK",
}  # fmt: skip


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choices(string.digits, k=count))


def _serial(rng: random.Random, brand: str) -> str:
    prefix = SERIAL_PREFIXES.get(brand, "")
    return prefix + "".join(rng.choices(string.ascii_uppercase + string.digits, k=12 - len(prefix)))


def _order_number(rng: random.Random, retailer: str) -> str:
    if retailer == "Amazon":
        return f"{rng.choice(('111', '112', '113', '114'))}-{_digits(rng, 7)}-{_digits(rng, 7)}"
    prefixes = {
        "Best Buy": "BBY01-", "Apple Store": "W", "Home Depot": "H", "Costco": "",
        "IKEA": "", "MediaMarkt": "MM", "John Lewis": "JL", "Decathlon": "DKT",
    }  # fmt: skip
    return prefixes.get(retailer, "") + _digits(rng, 10)


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _price(rng: random.Random, product: Product, currency: str) -> Decimal:
    amount = Decimal(str(rng.uniform(product.low, product.high))) * PRICE_LEVEL[currency]
    if rng.random() < 0.12:  # on sale
        amount *= Decimal(str(rng.uniform(0.75, 0.9)))
    ending = rng.random()
    if ending < 0.6:
        price = Decimal(int(amount)) + Decimal("0.99")
    elif ending < 0.8:
        price = Decimal(int(amount))
    else:
        price = amount
    return max(price, Decimal("0")).quantize(CENT, rounding=ROUND_HALF_UP)


def _random_day(rng: random.Random, today: datetime.date, oldest: int, newest: int):
    """A day from `oldest` to `newest` days ago; November and December are busier."""
    while True:
        day = today - datetime.timedelta(days=rng.randint(newest, oldest))
        if day.month in (11, 12) or rng.random() < 0.65:
            return day


class Command(BaseCommand):
    help = (
        "Fill an account with realistic demo purchases, warranties, retailers and brands. "
        "Without USERNAME, the first superuser's account."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", nargs="?", help="The account to fill.")
        parser.add_argument(
            "--purchases", type=int, default=DEFAULT_PURCHASES,
            help=f"How many purchases to create (default {DEFAULT_PURCHASES}).",
        )  # fmt: skip
        parser.add_argument(
            "--seed", type=int, default=42, help="Random seed, for repeatable data (default 42)."
        )

    def handle(self, *args, **options) -> None:
        count = options["purchases"]
        if not 0 <= count <= MAX_PURCHASES:
            raise CommandError(f"--purchases must be between 0 and {MAX_PURCHASES}.")
        user = self._user(options.get("username"))
        self.rng = random.Random(options["seed"])
        self.today = today_for(user)
        with transaction.atomic():
            retailers, new_retailers = self._catalog(user, Retailer, RETAILERS)
            brands, new_brands = self._catalog(user, Brand, BRANDS)
            purchases, warranties = self._generate(user, count, retailers, brands)
            Purchase.objects.bulk_create(purchases, batch_size=500)
            Warranty.objects.bulk_create(warranties, batch_size=500)
        username = getattr(user, user.USERNAME_FIELD)
        summary = (
            f"Created {len(purchases)} purchases, {len(warranties)} warranties, "
            f"{new_retailers} retailers, {new_brands} brands for {username}"
        )
        reused = len(retailers) - new_retailers + len(brands) - new_brands
        if reused:
            summary += f" (reused {reused} existing retailers and brands)"
        self.stdout.write(self.style.SUCCESS(summary))

    def _user(self, username: str | None):
        users = get_user_model()._default_manager
        if username is None:
            user = users.filter(is_superuser=True).order_by("date_joined", "pk").first()
            if user is None:
                raise CommandError("There is no superuser; name the account to fill.")
            return user
        user = users.filter(**{users.model.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f'User "{username}" does not exist.')
        return user

    def _catalog(
        self, user, model: CatalogModel, entries: dict
    ) -> tuple[dict[str, CatalogEntry], int]:
        """The owner's entry for each name (an existing one of the same name ignoring case,
        or a new one), and how many were created."""
        found, created = {}, 0
        for name, details in entries.items():
            url = details[0] if isinstance(details, tuple) else details
            entry = catalog_find_by_name(user, model, name)
            if entry is None:
                entry = catalog_create(owner=user, model=model, name=name, url=url)
                created += 1
            found[name] = entry
        return found, created

    # Generation --------------------------------------------------------------------------

    def _generate(self, user, count: int, retailers: dict, brands: dict):
        rng = self.rng
        ordered = int((Decimal(count) * ORDERED_SHARE).to_integral_value(ROUND_HALF_UP))
        # Some warranties are placed on purpose so that each state shows up, however small
        # the seed data; the rest fall where the dates and durations put them.
        planned = ["expiring"] * max(1, count // 60)
        planned += ["lifetime", "voided", "expired", "extended", "active"]
        planned = planned[: max(0, count - ordered)]
        kinds = planned + [None] * (count - ordered - len(planned)) + ["ordered"] * ordered
        purchases, warranties = [], []
        for kind in kinds:
            product = self._product(kind)
            purchase = self._purchase(user, product, kind, retailers, brands)
            purchases.append(purchase)
            if kind == "ordered" or (kind is None and not self._wants_warranty(product)):
                continue
            warranties.append(self._warranty(purchase, product, kind))
        # Interleave the planned ones with the rest (creation order shows in ties).
        order = list(range(len(purchases)))
        rng.shuffle(order)
        purchases = [purchases[index] for index in order]
        return purchases, warranties

    def _wants_warranty(self, product: Product) -> bool:
        if product.months is None:
            return self.rng.random() < 0.1  # a shop's guarantee on a rare unwarranted item
        return self.rng.random() < WARRANTY_CHANCE

    def _product(self, kind: str | None) -> Product:
        if kind == "lifetime":
            choices = [product for product in PRODUCTS if product.months == 0]
        elif kind == "expired":
            choices = [product for product in PRODUCTS if product.months == 12]
        elif kind in ("expiring", "active", "voided"):
            choices = [product for product in PRODUCTS if product.months in (12, 24)]
        elif kind == "extended":
            choices = [product for product in PRODUCTS if product.months and product.low >= 300]
        else:
            choices = list(PRODUCTS)
        return self.rng.choices(choices, weights=[product.weight for product in choices])[0]

    def _purchase(
        self, user, product: Product, kind: str | None, retailers: dict, brands: dict
    ) -> Purchase:
        rng, today = self.rng, self.today
        shops = product.shops or BRAND_SHOPS[product.brand]
        shop = _weighted(rng, {name: RETAILERS[name][1] for name in shops})
        currency = _weighted(rng, RETAILERS[shop][2])
        if kind == "ordered":
            day = _random_day(rng, today, ORDERED_MAX_AGE_DAYS, 0)
        elif kind == "expiring":
            # Bought one warranty term before a day in the coming weeks. Adding the months
            # back may land up to 3 days earlier (Jan 31 -> Feb 28), still not before today.
            ends = today + datetime.timedelta(days=rng.randint(3, EXPIRING_SOON_DAYS - 2))
            day = add_months(ends, -product.months)
        elif kind == "expired":
            day = _random_day(rng, today, HISTORY_DAYS, 400)
        elif kind == "active":
            day = _random_day(rng, today, 300, EXPIRING_SOON_DAYS + 1)
        else:
            day = _random_day(rng, today, HISTORY_DAYS, 0)
        has_order = kind == "ordered" or shop in ("Amazon", "Apple Store") or rng.random() < 0.5
        return Purchase(
            owner=user,
            product_name=product.name.strip(),
            price=_price(rng, product, currency),
            currency_code=currency,
            retailer=retailers[shop],
            brand=brands[product.brand] if product.brand else None,
            status=PurchaseStatus.ORDERED if kind == "ordered" else PurchaseStatus.RECEIVED,
            purchase_date=day,
            serial_number=(
                _serial(rng, product.brand)
                if product.serial and kind != "ordered" and rng.random() < 0.55 else ""
            ),
            model_number=product.model if rng.random() < 0.5 else "",
            order_number=_order_number(rng, shop) if has_order else "",
            notes=self._purchase_notes(day, kind),
        )  # fmt: skip

    def _purchase_notes(self, day: datetime.date, kind: str | None) -> str:
        if self.rng.random() >= 0.12:
            return ""
        notes = PURCHASE_NOTES + (() if kind == "ordered" else RECEIVED_NOTES)
        if day.month in (11, 12):
            notes += SEASON_NOTES
        return self.rng.choice(notes)

    def _warranty(self, purchase: Purchase, product: Product, kind: str | None) -> Warranty:
        rng = self.rng
        start = purchase.purchase_date
        shop = purchase.retailer.name if purchase.retailer else ""
        months, provider = product.months, ""
        if months == 0:
            warranty_type = WarrantyType.LIFETIME
        elif months is None:
            warranty_type, months = WarrantyType.OTHER, 12
            provider = OTHER_PROVIDERS.get(shop, shop)
        else:
            warranty_type = WarrantyType.MANUFACTURER
            draw = rng.random()
            if kind == "extended" or (kind is None and purchase.price >= 200 and draw < 0.15):
                warranty_type, months = WarrantyType.EXTENDED, rng.choice((24, 36, 36, 48))
                provider = EXTENDED_PROVIDERS.get(
                    product.brand, EXTENDED_PROVIDERS.get(shop, "SquareTrade")
                )
            elif kind is None and shop in OTHER_PROVIDERS and draw < 0.22:
                warranty_type, months = WarrantyType.OTHER, max(months, 24)
                provider = OTHER_PROVIDERS[shop]
            elif draw < 0.35:
                warranty_type = WarrantyType.LIMITED
        end = None if warranty_type == WarrantyType.LIFETIME else add_months(start, months)
        voided = kind == "voided" or (kind is None and rng.random() < VOIDED_CHANCE)
        if voided:
            notes = rng.choice(VOID_NOTES)
        else:
            notes = rng.choice(WARRANTY_NOTES) if rng.random() < 0.15 else ""
        return Warranty(
            owner=purchase.owner,
            purchase=purchase,
            warranty_start=start,
            warranty_end=end,
            warranty_type=warranty_type,
            voided=voided,
            provider=provider,
            notes=notes,
        )
