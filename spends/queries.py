"""Query shapes that more than one app's selectors use."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


def related_count(related: QuerySet, link: str) -> Coalesce:
    """How many rows of `related` point at each row of the outer query through their `link`
    (a foreign key), 0 for none: COUNT(*) in a correlated subquery. Unlike a join with GROUP BY,
    it keeps `count()` of the outer list a plain count; and COUNT(*) reads no column, so the
    index on `link` answers it alone (COUNT(id) read every related row for its id: 0.2 s for
    100,000 purchases on SQLite)."""
    counts = (
        related.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)
