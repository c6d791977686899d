"""The benchmark's data: one account with many purchases, and a second one with a few.

    python -m bench.data --size 100000 [--seed 7]   (DATABASE_URL and SPENDS_DATA_DIR as usual)

The main account ("bench") gets `size` purchases spread over the last five years: 50 retailers,
300 brands, prices in USD, EUR and GBP (70/20/10), names, model and serial numbers and notes of
the kind people write, about 2% still ORDERED (recent ones only), 70% with a warranty in every
state (active, expiring soon, expired, voided, lifetime), and a receipt file on 1% of them. The
second account ("bench-other") gets 1% as many (at least 50) of its own, so that every read
really has rows of another owner to leave out.

Rows go in through `spends.bulk.insert_rows`, the import's own fast insert, in one transaction;
each one is valid by the models' rules (a test checks a sample with `full_clean`). The same seed
gives the same data, relative to today.
"""

import argparse
import datetime
import io
import random
import string
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal

MAIN_USER = "bench"
OTHER_USER = "bench-other"
PASSWORD = "bench-password-not-secret"
YEARS = 5
CURRENCY_WEIGHTS = {"USD": 70, "EUR": 20, "GBP": 10}
PRICE_LEVEL = {"USD": 1.0, "EUR": 0.95, "GBP": 0.8}
WARRANTY_SHARE = 0.70
ORDERED_DAYS = 21  # purchases this recent may still be on order
RECEIPT_SHARE = 0.01
RETAILER_COUNT = 50
BRAND_COUNT = 300

RETAILER_NAMES = (
    "Amazon", "Best Buy", "Walmart", "Target", "Costco", "Home Depot", "Lowe's", "IKEA",
    "Apple Store", "B&H Photo", "Newegg", "MediaMarkt", "Saturn", "Currys", "John Lewis",
    "Argos", "Fnac", "Darty", "Boulanger", "Coolblue", "Otto", "Conrad", "Decathlon",
    "REI", "Crate & Barrel", "Williams Sonoma", "Bed Bath & Beyond", "Wayfair", "Micro Center",
    "Staples", "Office Depot", "GameStop", "Dick's Sporting Goods", "Sephora", "Ulta Beauty",
    "Nordstrom", "Macy's", "Kohl's", "Sam's Club", "Bol.com", "Zalando", "Elgiganten",
    "Power", "Expert", "Euronics", "Harvey Norman", "JB Hi-Fi", "Canadian Tire", "Staples UK",
    "eBay",
)  # fmt: skip
KNOWN_BRANDS = (
    "Apple", "Samsung", "Sony", "LG", "Bosch", "Siemens", "Miele", "Dyson", "Philips",
    "Panasonic", "Lenovo", "Dell", "HP", "Asus", "Acer", "Microsoft", "Logitech", "Razer",
    "Canon", "Nikon", "Fujifilm", "GoPro", "Garmin", "Fitbit", "Bose", "Sennheiser", "JBL",
    "Sonos", "Nintendo", "KitchenAid", "De'Longhi", "Breville", "Nespresso", "SMEG", "Weber",
    "Makita", "DeWalt", "Milwaukee", "Black+Decker", "Ryobi", "iRobot", "Roborock", "Ecovacs",
    "Anker", "Belkin", "TP-Link", "Netgear", "Synology", "Western Digital", "Seagate",
    "SanDisk", "Crucial", "Corsair", "Brother", "Epson", "Xiaomi", "OnePlus", "Google",
    "Amazon Basics", "Le Creuset",
)  # fmt: skip
BRAND_SYLLABLES = (
    "nor", "vik", "al", "tu", "ra", "lu", "men", "ka", "zen", "tro", "vo", "lex", "ion", "sa",
    "ber", "gen", "mo", "ri", "fa", "dal", "ko", "sta", "ve", "lin", "qu", "ar", "tek", "ne",
)  # fmt: skip

# name, low and high price (in dollars), usual warranty in months (0: lifetime)
CATEGORIES = (
    ("Laptop 14\"", 699, 2299, 12), ("Laptop 16\"", 999, 2899, 12), ("Tablet 11\"", 299, 999, 12),
    ("Smartphone", 299, 1299, 12), ("Smartwatch", 149, 799, 12), ("27\" 4K Monitor", 249, 899, 36),
    ("Wireless Mouse", 19, 149, 24), ("Mechanical Keyboard", 49, 229, 24),
    ("Noise-Cancelling Headphones", 99, 449, 12), ("True Wireless Earbuds", 49, 299, 12),
    ("Bluetooth Speaker", 39, 399, 12), ("Soundbar", 199, 999, 24), ("55\" OLED TV", 999, 2499, 24),
    ("65\" QLED TV", 899, 2999, 24), ("Mirrorless Camera", 699, 2999, 24),
    ("Camera Lens 24-70mm", 499, 2299, 24), ("Action Camera", 199, 499, 12),
    ("Robot Vacuum", 199, 1299, 24), ("Cordless Stick Vacuum", 149, 799, 24),
    ("Espresso Machine", 199, 1899, 24), ("Stand Mixer", 199, 699, 60), ("Air Fryer", 59, 249, 24),
    ("Blender", 39, 499, 36), ("Dishwasher", 449, 1499, 24), ("Front Load Washer", 499, 1599, 24),
    ("Tumble Dryer", 399, 1399, 24), ("French Door Refrigerator", 1299, 3999, 24),
    ("Microwave Oven", 89, 499, 12), ("Cordless Drill Driver", 59, 299, 36),
    ("Impact Driver", 79, 349, 36), ("Circular Saw", 99, 399, 36), ("Gas Grill", 299, 1499, 120),
    ("Cast Iron Dutch Oven", 79, 429, 0), ("Chef's Knife", 39, 249, 0),
    ("Wi-Fi 6 Mesh Router", 99, 599, 24), ("NAS 4-Bay", 299, 999, 36),
    ("Portable SSD 1TB", 69, 199, 60), ("External Hard Drive 4TB", 79, 179, 24),
    ("Inkjet Printer", 79, 399, 12), ("Laser Printer", 129, 599, 12),
    ("Game Console", 299, 549, 12), ("Wireless Controller", 49, 199, 12),
    ("Electric Toothbrush", 39, 299, 24), ("Hair Dryer", 39, 499, 24),
    ("Fitness Tracker", 49, 299, 12), ("Cycling Computer", 149, 599, 12),
    ("Office Chair", 149, 1299, 120), ("Standing Desk", 299, 999, 60),
    ("Power Bank 20000mAh", 29, 129, 18), ("USB-C Charger 100W", 29, 99, 18),
)  # fmt: skip
NOTE_SENTENCES = (
    "Gift for Mom's birthday.", "Price matched with a competitor.",
    "Replacement for the one that broke after two years.", "For the home office.",
    "Used a 10% off coupon.", "Paid with the travel credit card, which adds a year of cover.",
    "Second one, for the living room.", "Open-box deal, small scratch on the side.",
    "Original box kept in the garage.", "Delivered a day late; the box was dented.",
    "Bought in the Black Friday sale.", "Christmas present for the kids.",
    "Registered with the manufacturer online.", "Receipt scanned and saved.",
    "Returned the first unit (dead pixel), this is the exchange.",
    "Came with a free carrying case.", "Firmware updated on arrival.",
    "Store credit used for part of it.", "Shared with the neighbours.",
    "Needs a yearly service to keep the warranty valid.",
)  # fmt: skip
WARRANTY_NOTES = (
    "Keep the receipt: needed for any claim.", "Covers accidental damage, two claims a year.",
    "Claims through the retailer's service desk.", "Includes a free battery replacement.",
    "Voided: repaired by a third-party shop.", "Transferable once, with the receipt.",
)  # fmt: skip
EXTENDED_PROVIDERS = ("AppleCare+", "Asurion", "SquareTrade", "Allstate Protection Plans",
                      "Geek Squad Protection", "Allianz Assistance")  # fmt: skip


@dataclass
class Generated:
    """What `populate` wrote for one account."""

    username: str
    purchases: int
    warranties: int
    attachments: int
    retailers: int
    brands: int


def brand_names(rng: random.Random, count: int) -> list[str]:
    """Known brands first, then made-up ones that read like brands ("Norvik", "Tekalu")."""
    names = list(KNOWN_BRANDS[:count])
    seen = {name.lower() for name in names}
    while len(names) < count:
        name = "".join(rng.choices(BRAND_SYLLABLES, k=rng.choice((2, 2, 3)))).capitalize()
        if name.lower() not in seen and len(name) > 3:
            seen.add(name.lower())
            names.append(name)
    return names


def _timestamp(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """When a purchase made on `day` was entered: that day or up to two weeks later, in UTC."""
    moment = datetime.datetime.combine(day, datetime.time(8), tzinfo=datetime.UTC)
    return moment + datetime.timedelta(seconds=rng.randint(0, 14 * 86400))


def _model_number(rng: random.Random) -> str:
    letters = "".join(rng.choices(string.ascii_uppercase, k=rng.choice((2, 3))))
    return f"{letters}-{rng.randint(100, 9999)}{rng.choice(('', '', 'X', 'S', 'Pro'))}"


def _price(rng: random.Random, low: int, high: int, currency: str) -> Decimal:
    amount = rng.uniform(low, high) * PRICE_LEVEL[currency]
    if rng.random() < 0.6:
        return Decimal(int(amount)) + Decimal("0.99")
    return Decimal(f"{amount:.2f}")


def _warranty_row(rng, owner_id, purchase, months: int, today: datetime.date, now) -> dict:
    start = purchase["purchase_date"]
    voided = rng.random() < 0.05
    if months == 0 or rng.random() < 0.02:
        kind, end = "LIFETIME", None
    else:
        kind = rng.choices(("MANUFACTURER", "EXTENDED", "LIMITED", "OTHER"), (70, 15, 10, 5))[0]
        if kind == "EXTENDED":
            months += rng.choice((12, 24, 36))
        year, month = divmod(start.month - 1 + months, 12)
        end = datetime.date(start.year + year, month + 1, min(start.day, 28))
    provider = ""
    if kind == "EXTENDED":
        provider = rng.choice(EXTENDED_PROVIDERS)
    created = purchase["created_at"] + datetime.timedelta(minutes=rng.randint(1, 600))
    created = min(created, now)
    return {
        "id": uuid.UUID(int=rng.getrandbits(128), version=4),
        "owner_id": owner_id,
        "purchase_id": purchase["id"],
        "warranty_start": start,
        "warranty_end": end,
        "warranty_type": kind,
        "voided": voided,
        "provider": provider,
        "notes": rng.choice(WARRANTY_NOTES) if rng.random() < 0.2 else "",
        "created_at": created,
        "updated_at": created,
    }


def populate(user, size: int, *, seed: int = 7, receipts: bool = True) -> Generated:
    """Fills `user`'s account with `size` purchases (see the module's docstring)."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.selectors import today_for
    from catalog.models import Brand, Retailer
    from purchases import filestore
    from purchases.models import Attachment, Purchase
    from spends.bulk import insert_rows
    from warranties.models import Warranty

    rng = random.Random(f"{seed}:{user.username}")
    today = today_for(user)
    now = timezone.now()
    first_day = today - datetime.timedelta(days=365 * YEARS)
    span = (today - first_day).days

    def entry(name: str, url: str) -> dict:
        created = _timestamp(first_day, rng)
        return {"id": uuid.UUID(int=rng.getrandbits(128), version=4), "owner_id": user.pk,
                "name": name, "url": url, "created_at": created, "updated_at": created}  # fmt: skip

    retailers = [
        entry(name, f"https://www.{''.join(ch for ch in name.lower() if ch.isalnum())}.com")
        for name in RETAILER_NAMES[:RETAILER_COUNT]
    ]
    brands = [entry(name, "") for name in brand_names(rng, BRAND_COUNT)]
    # A few retailers and brands carry most purchases, as in life.
    retailer_weights = [1 / (rank + 1) for rank in range(len(retailers))]
    brand_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(brands))]
    currencies, currency_weights = list(CURRENCY_WEIGHTS), list(CURRENCY_WEIGHTS.values())

    purchases, warranties = [], []
    for _ in range(size):
        category, low, high, months = rng.choice(CATEGORIES)
        brand = rng.choices(brands, brand_weights)[0] if rng.random() < 0.93 else None
        retailer = rng.choices(retailers, retailer_weights)[0] if rng.random() < 0.95 else None
        day = first_day + datetime.timedelta(days=rng.randint(0, span))
        currency = rng.choices(currencies, currency_weights)[0]
        model = _model_number(rng)
        name = f"{brand['name']} {category} {model}" if brand else f"{category} {model}"
        recent = (today - day).days <= ORDERED_DAYS
        status = "ORDERED" if recent and rng.random() < 0.5 else "RECEIVED"
        created = min(_timestamp(day, rng), now)
        notes = ""
        if rng.random() < 0.45:
            notes = " ".join(rng.sample(NOTE_SENTENCES, rng.choice((1, 1, 2, 3))))
        purchase = {
            "id": uuid.UUID(int=rng.getrandbits(128), version=4),
            "owner_id": user.pk,
            "product_name": name,
            "price": _price(rng, low, high, currency),
            "currency_code": currency,
            "retailer_id": retailer["id"] if retailer else None,
            "brand_id": brand["id"] if brand else None,
            "status": status,
            "purchase_date": day,
            "serial_number": "".join(rng.choices(string.ascii_uppercase + string.digits, k=12))
            if rng.random() < 0.8
            else "",
            "model_number": model,
            "order_number": f"{rng.randint(100, 999)}-{rng.randint(1000000, 9999999)}"
            if rng.random() < 0.6
            else "",
            "notes": notes,
            "created_at": created,
            "updated_at": created,
        }
        purchases.append(purchase)
        if status == "RECEIVED" and rng.random() < WARRANTY_SHARE / 0.99:
            warranties.append(_warranty_row(rng, user.pk, purchase, months, today, now))

    attachments = []
    if receipts:
        for purchase in rng.sample(purchases, int(size * RECEIPT_SHARE)):
            body = _receipt(purchase, rng)
            stored = filestore.put(io.BytesIO(body))
            attachments.append({
                "id": uuid.UUID(int=rng.getrandbits(128), version=4), "owner_id": user.pk,
                "purchase_id": purchase["id"], "kind": "receipt",
                "filename": f"receipt-{purchase['order_number'] or 'scan'}.pdf",
                "content_type": "application/pdf", "size": len(body), "sha256": stored.sha256,
                "created_at": purchase["created_at"], "updated_at": purchase["created_at"],
            })  # fmt: skip

    with transaction.atomic():
        for model, rows in (
            (Retailer, retailers), (Brand, brands), (Purchase, purchases),
            (Warranty, warranties), (Attachment, attachments),
        ):  # fmt: skip
            for start in range(0, len(rows), 5000):
                insert_rows(model, rows[start : start + 5000])
    return Generated(
        username=user.username,
        purchases=len(purchases),
        warranties=len(warranties),
        attachments=len(attachments),
        retailers=len(retailers),
        brands=len(brands),
    )


def _receipt(purchase: dict, rng: random.Random) -> bytes:
    """A small PDF-looking receipt of a few kilobytes, different for every purchase."""
    lines = [
        "%PDF-1.4",
        f"% Receipt {purchase['order_number'] or purchase['id']}",
        f"% {purchase['product_name']} {purchase['price']} {purchase['currency_code']}",
    ]
    lines += ["% " + "".join(rng.choices(string.ascii_letters, k=70)) for _ in range(40)]
    return ("\n".join(lines) + "\n%%EOF\n").encode()


def create_accounts(size: int, *, seed: int = 7) -> list[Generated]:
    """The two benchmark accounts, filled; refused when they already exist."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if User.objects.filter(username__in=(MAIN_USER, OTHER_USER)).exists():
        raise SystemExit("The benchmark accounts exist already: start from an empty database.")
    main = User.objects.create_user(MAIN_USER, f"{MAIN_USER}@example.com", PASSWORD)
    other = User.objects.create_user(OTHER_USER, f"{OTHER_USER}@example.com", PASSWORD)
    return [populate(main, size, seed=seed), populate(other, max(50, size // 100), seed=seed)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()

    from bench import django_setup

    django_setup()
    started = time.perf_counter()
    for generated in create_accounts(arguments.size, seed=arguments.seed):
        print(
            f"{generated.username}: {generated.purchases} purchases, {generated.warranties} "
            f"warranties, {generated.attachments} receipts, {generated.retailers} retailers, "
            f"{generated.brands} brands"
        )
    print(f"Generated in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
