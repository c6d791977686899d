"""The floor: each measured read's figures computed by the minimal hand-written SQL.

Each function takes a DB-API cursor and a `Context` and runs the statements that a person
writing SQL by hand would need to show the same thing (the rows of the page and its total,
the sums and counts of a chart), fetching every row. The benchmark times them on the same
database as the application, so the table shows what the application adds on top of the
database's own work. A test checks that they compute the same figures as the application.

Only what differs between the engines is spelled twice: case-insensitive matching, month
buckets and booleans.
"""

import datetime
from dataclasses import dataclass

PURCHASE = "purchases_purchase"
WARRANTY = "warranties_warranty"
ATTACHMENT = "purchases_attachment"
RETAILER = "catalog_retailer"
BRAND = "catalog_brand"
EXPIRING_DAYS = 30

# What a list row shows: the purchase, its retailer's and brand's names, its warranty and its
# number of attachments.
LIST_COLUMNS = f"""
    p.id, p.product_name, p.price, p.currency_code, p.status, p.purchase_date, p.retailer_id,
    r.name, p.brand_id, b.name, p.serial_number, p.model_number, p.order_number, p.notes,
    p.created_at, p.updated_at, w.id, w.warranty_start, w.warranty_end, w.warranty_type,
    w.voided, w.provider, w.notes, w.created_at, w.updated_at,
    (SELECT count(*) FROM {ATTACHMENT} a WHERE a.purchase_id = p.id)
"""
LIST_JOINS = f"""
    FROM {PURCHASE} p
    LEFT JOIN {RETAILER} r ON r.id = p.retailer_id
    LEFT JOIN {BRAND} b ON b.id = p.brand_id
    LEFT JOIN {WARRANTY} w ON w.purchase_id = p.id
"""


@dataclass(frozen=True)
class Context:
    vendor: str  # "sqlite" or "postgresql"
    owner_id: int
    today: datetime.date
    currency: str
    search: str
    months: int = 12

    def like(self, column: str) -> str:
        """Case-insensitive "contains": SQLite's LIKE ignores case (of ASCII letters) already."""
        operator = "LIKE" if self.vendor == "sqlite" else "ILIKE"
        return f"{column} {operator} %s"

    def month(self, column: str) -> str:
        if self.vendor == "sqlite":
            return f"substr({column}, 1, 7)"
        return f"to_char({column}, 'YYYY-MM')"

    @property
    def first_month(self) -> datetime.date:
        return month_start(self.today, self.months - 1)

    @property
    def period_end(self) -> datetime.date:
        return month_start(self.today, -1) - datetime.timedelta(days=1)


def month_start(today: datetime.date, months_back: int) -> datetime.date:
    year, month = divmod(today.year * 12 + today.month - 1 - months_back, 12)
    return datetime.date(year, month + 1, 1)


def _all(cursor, sql: str, params=()) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def _page(cursor, where: str, params: list, order: str, offset: int = 0) -> list[list[tuple]]:
    """One page of the list and its total."""
    sql = f"SELECT {LIST_COLUMNS} {LIST_JOINS} WHERE {where} ORDER BY {order}"
    rows = _all(cursor, f"{sql} LIMIT 20 OFFSET {offset}", params)
    joins = LIST_JOINS if "r." in where or "b." in where or "w." in where else f"FROM {PURCHASE} p"
    total = _all(cursor, f"SELECT count(*) {joins} WHERE {where}", params)
    return [rows, total]


DEFAULT_ORDER = "p.purchase_date DESC, p.created_at DESC, p.id"


def purchases_default(cursor, c: Context):
    return _page(cursor, "p.owner_id = %s", [c.owner_id], DEFAULT_ORDER)


def _search_where(c: Context) -> tuple[str, list]:
    """The term in the purchase's text, through the engine's search index (migration 0007 of
    purchases), or in its retailer's or brand's name."""
    if c.vendor == "sqlite":
        text = "p.rowid IN (SELECT rowid FROM purchases_search WHERE purchases_search MATCH %s)"
        text_param = f'"{c.search}"'
    else:
        text = ("lower(p.product_name || chr(10) || p.notes || chr(10) || p.serial_number"
                " || chr(10) || p.model_number) LIKE %s")  # fmt: skip
        text_param = f"%{c.search.lower()}%"
    names = [
        f"p.{column} IN (SELECT id FROM {table} WHERE owner_id = %s AND {c.like('name')})"
        for column, table in (("retailer_id", RETAILER), ("brand_id", BRAND))
    ]
    where = f"p.owner_id = %s AND ({text} OR {' OR '.join(names)})"
    pattern = f"%{c.search}%"
    return where, [c.owner_id, text_param, c.owner_id, pattern, c.owner_id, pattern]


def purchases_search(cursor, c: Context):
    where, params = _search_where(c)
    return _page(cursor, where, params, DEFAULT_ORDER)


def purchases_filtered(cursor, c: Context):
    """RECEIVED, in EUR, with an active warranty; most expensive first."""
    where = (
        "p.owner_id = %s AND p.status = 'RECEIVED' AND p.currency_code = 'EUR'"
        " AND w.voided = %s AND (w.warranty_end >= %s OR w.warranty_end IS NULL)"
    )
    params = [c.owner_id, False, c.today]
    return _page(cursor, where, params, "p.price DESC, p.created_at DESC, p.id")


def _currencies(cursor, c: Context) -> list[tuple]:
    """The currencies the currency filter offers: those the owner has purchases in, found one
    after another in the (owner, currency) index rather than by reading every purchase."""
    return _all(
        cursor,
        f"WITH RECURSIVE found(code) AS (SELECT min(currency_code) FROM {PURCHASE}"
        f" WHERE owner_id = %s UNION ALL SELECT (SELECT min(currency_code) FROM {PURCHASE}"
        f" WHERE owner_id = %s AND currency_code > found.code) FROM found"
        f" WHERE found.code IS NOT NULL) SELECT code FROM found WHERE code IS NOT NULL"
        f" ORDER BY code",
        [c.owner_id, c.owner_id],
    )


def _catalog_names(cursor, c: Context) -> list[list[tuple]]:
    """The retailers and brands the filters offer."""
    return [
        _all(cursor, f"SELECT id, name FROM {table} WHERE owner_id = %s ORDER BY lower(name)",
             [c.owner_id])
        for table in (RETAILER, BRAND)
    ]  # fmt: skip


def inventory_full(cursor, c: Context):
    return purchases_default(cursor, c) + _catalog_names(cursor, c) + [_currencies(cursor, c)]


def inventory_partial(cursor, c: Context):
    return _page(cursor, "p.owner_id = %s", [c.owner_id], DEFAULT_ORDER, offset=20)


def spending(cursor, c: Context):
    bucket = c.month("p.purchase_date")
    return [
        _all(
            cursor,
            f"SELECT {bucket}, sum(p.price), count(*) FROM {PURCHASE} p WHERE p.owner_id = %s"
            f" AND p.currency_code = %s AND p.purchase_date BETWEEN %s AND %s"
            f" GROUP BY {bucket} ORDER BY 1",
            [c.owner_id, c.currency, c.first_month, c.period_end],
        )
    ]


def spending_by_period(cursor, c: Context):
    return [
        _all(
            cursor,
            f"SELECT sum(price), count(*) FROM {PURCHASE} WHERE owner_id = %s"
            f" AND currency_code = %s AND purchase_date BETWEEN %s AND %s",
            [c.owner_id, c.currency, c.today - datetime.timedelta(days=365), c.today],
        )
    ]


def summary(cursor, c: Context):
    month = c.today.replace(day=1)
    year = c.today.replace(month=1, day=1)
    figures = _all(
        cursor,
        f"SELECT sum(price), count(*),"
        f" sum(CASE WHEN status = 'ORDERED' THEN 1 ELSE 0 END),"
        f" sum(CASE WHEN status = 'RECEIVED' THEN 1 ELSE 0 END),"
        f" sum(CASE WHEN purchase_date >= %s THEN price ELSE 0 END),"
        f" sum(CASE WHEN purchase_date >= %s THEN price ELSE 0 END)"
        f" FROM {PURCHASE} WHERE owner_id = %s AND currency_code = %s",
        [month, year, c.owner_id, c.currency],
    )
    return [figures, currency_totals(cursor, c)]


def currency_totals(cursor, c: Context) -> list[tuple]:
    return _all(
        cursor,
        f"SELECT currency_code, sum(price), count(*) FROM {PURCHASE} WHERE owner_id = %s"
        f" GROUP BY currency_code ORDER BY count(*) DESC, currency_code",
        [c.owner_id],
    )


def warranty_summary(cursor, c: Context):
    last = c.today + datetime.timedelta(days=EXPIRING_DAYS)
    return [
        _all(
            cursor,
            f"SELECT count(*),"
            f" sum(CASE WHEN voided = %s AND (warranty_end >= %s OR warranty_end IS NULL)"
            f" THEN 1 ELSE 0 END),"
            f" sum(CASE WHEN voided = %s AND warranty_end < %s THEN 1 ELSE 0 END),"
            f" sum(CASE WHEN voided = %s THEN 1 ELSE 0 END),"
            f" sum(CASE WHEN voided = %s AND warranty_end BETWEEN %s AND %s THEN 1 ELSE 0 END)"
            f" FROM {WARRANTY} WHERE owner_id = %s",
            [False, c.today, False, c.today, True, False, c.today, last, c.owner_id],
        )
    ]


def warranty_timeline(cursor, c: Context):
    """Per month: active on its last day (today for this one), expired within it, and expiring
    within 30 days of that day. One pass counts the warranties that are not voided by band of
    start and of end date, cut where a month's answer can change; Python adds the bands up."""
    one_day = datetime.timedelta(days=1)
    months = []
    for back in range(c.months - 1, -1, -1):
        first = month_start(c.today, back)
        last = month_start(c.today, back - 1) - one_day
        months.append((first, last, c.today if back == 0 else last))
    soon = datetime.timedelta(days=EXPIRING_DAYS + 1)
    start_bounds = sorted({day + one_day for _, _, day in months})
    edges = [(first, last + one_day, day, day + soon) for first, last, day in months]
    end_bounds = sorted({c.today, *(edge for month_edges in edges for edge in month_edges)})
    start_band = " ".join(
        f"WHEN warranty_start < %s THEN {band}" for band in range(len(start_bounds))
    )
    end_band = " ".join(f"WHEN warranty_end >= %s THEN {band}"
                        for band in range(len(end_bounds), 0, -1))  # fmt: skip
    sql = (
        f"SELECT CASE {start_band} ELSE {len(start_bounds)} END,"
        f" CASE {end_band} WHEN warranty_end IS NOT NULL THEN 0 END, count(*)"
        f" FROM {WARRANTY} WHERE owner_id = %s AND voided = %s"
        " AND (warranty_end >= %s OR warranty_end IS NULL) GROUP BY 1, 2"
    )
    params = [*start_bounds, *reversed(end_bounds), c.owner_id, False, c.first_month]
    counts = [0] * (3 * len(months))
    for start_band_index, end_band_index, count in _all(cursor, sql, params):
        # A day in each band: every day of a band answers alike.
        start = start_bounds[start_band_index - 1] if start_band_index else datetime.date.min
        end = None
        if end_band_index is not None:
            end = end_bounds[end_band_index - 1] if end_band_index else datetime.date.min
        for index, (first, last, day) in enumerate(months):
            if start <= day and (end is None or end >= day):
                counts[3 * index] += count
            if end is not None and end < c.today and first <= end <= last:
                counts[3 * index + 1] += count
            if start <= day and end is not None and day <= end < day + soon:
                counts[3 * index + 2] += count
    return [[tuple(counts)]]


def _shares(cursor, c: Context, table: str, column: str, period: bool) -> list[tuple]:
    where, params = "p.owner_id = %s AND p.currency_code = %s", [c.owner_id, c.currency]
    if period:
        where += " AND p.purchase_date BETWEEN %s AND %s"
        params += [c.first_month, c.period_end]
    return _all(
        cursor,
        f"SELECT p.{column}, t.name, count(*), sum(p.price) FROM {PURCHASE} p"
        f" LEFT JOIN {table} t ON t.id = p.{column} WHERE {where}"
        f" GROUP BY p.{column}, t.name ORDER BY 3 DESC, 4 DESC, lower(t.name)",
        params,
    )


def retailers(cursor, c: Context):
    return [_shares(cursor, c, RETAILER, "retailer_id", period=False)]


def brands(cursor, c: Context):
    return [_shares(cursor, c, BRAND, "brand_id", period=False)]


def _top_products(cursor, c: Context, limit: int, period: bool) -> list[tuple]:
    where, params = "owner_id = %s AND currency_code = %s", [c.owner_id, c.currency]
    if period:
        where += " AND purchase_date BETWEEN %s AND %s"
        params += [c.first_month, c.period_end]
    return _all(
        cursor,
        f"SELECT lower(trim(product_name)), min(product_name), count(*), sum(price)"
        f" FROM {PURCHASE} WHERE {where} GROUP BY lower(trim(product_name))"
        f" ORDER BY 3 DESC, 4 DESC, 1 LIMIT {limit}",
        params,
    )


def top_products(cursor, c: Context):
    return [_top_products(cursor, c, 10, period=False)]


def _recent_purchases(cursor, c: Context, limit: int) -> list[tuple]:
    return _all(
        cursor,
        f"SELECT {LIST_COLUMNS} {LIST_JOINS} WHERE p.owner_id = %s ORDER BY {DEFAULT_ORDER}"
        f" LIMIT {limit}",
        [c.owner_id],
    )


def recent_purchases(cursor, c: Context):
    return [_recent_purchases(cursor, c, 10)]


def _recent_warranties(cursor, c: Context, limit: int) -> list[tuple]:
    return _all(
        cursor,
        f"SELECT w.*, p.product_name FROM {WARRANTY} w JOIN {PURCHASE} p ON p.id = w.purchase_id"
        f" WHERE w.owner_id = %s ORDER BY w.created_at DESC, w.id DESC LIMIT {limit}",
        [c.owner_id],
    )


def recent_warranties(cursor, c: Context):
    return [_recent_warranties(cursor, c, 10)]


def expiring(cursor, c: Context):
    where = "w.owner_id = %s AND w.voided = %s AND w.warranty_end BETWEEN %s AND %s"
    params = [c.owner_id, False, c.today, c.today + datetime.timedelta(days=EXPIRING_DAYS)]
    rows = _all(
        cursor,
        f"SELECT w.*, p.product_name FROM {WARRANTY} w JOIN {PURCHASE} p ON p.id = w.purchase_id"
        f" WHERE {where} ORDER BY w.warranty_end, w.created_at, w.id LIMIT 20",
        params,
    )
    total = _all(cursor, f"SELECT count(*) FROM {WARRANTY} w WHERE {where}", params)
    return [rows, total]


def dashboard(cursor, c: Context):
    """Cards, the four charts and the three tables of one period (the last `months` months)."""
    results = [currency_totals(cursor, c)]
    results += spending(cursor, c)
    results.append(
        _all(
            cursor,
            f"SELECT count(*) FROM {PURCHASE} WHERE owner_id = %s AND currency_code = %s"
            f" AND status = 'ORDERED'",
            [c.owner_id, c.currency],
        )
    )
    results += warranty_summary(cursor, c)
    results += warranty_timeline(cursor, c)
    results.append(_shares(cursor, c, RETAILER, "retailer_id", period=True))
    results.append(_shares(cursor, c, BRAND, "brand_id", period=True))
    results.append(_top_products(cursor, c, 8, period=True))
    results.append(_recent_purchases(cursor, c, 8))
    results.append(_recent_warranties(cursor, c, 8))
    return results
