"""Pages of a list for the HTML pages: the page number and size come from the query string and
bad values fall back to defaults rather than erroring (a bookmark with ?page=999 shows the last
page)."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Page, Paginator

PAGE_SIZES = (20, 50, 100)


@dataclass(frozen=True)
class ListPage:
    page_obj: Page
    page_size: int
    # Page numbers to offer, with None where a run of pages is elided.
    page_numbers: list[int | None]

    def as_context(self) -> dict:
        return {
            "page_obj": self.page_obj,
            "page_size": self.page_size,
            "page_numbers": self.page_numbers,
            "page_sizes": PAGE_SIZES,
        }


def page_size_from(query, default: int = PAGE_SIZES[0]) -> int:
    try:
        size = int(query.get("page_size", default))
    except (TypeError, ValueError):
        return default
    return size if size in PAGE_SIZES else default


class _CountedPaginator(Paginator):
    """A paginator that has the list's length from `count(object_list)`."""

    def __init__(self, object_list, per_page, *, count: Callable[[object], int]):
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count(self.object_list)


def paginate(
    query,
    object_list,
    *,
    page_size: int | None = None,
    count: Callable[[object], int] | None = None,
) -> ListPage:
    """`query` is request.GET. `object_list` should be ordered (with a unique last key) so that
    pages neither repeat nor skip rows. `count(object_list)`, when given, says how long the list
    is (a remembered count, say) instead of the list's own count()."""
    size = page_size or page_size_from(query)
    if count is None:
        paginator = Paginator(object_list, size)
    else:
        paginator = _CountedPaginator(object_list, size, count=count)
    page_obj = paginator.get_page(query.get("page"))
    numbers = [
        None if number == Paginator.ELLIPSIS else number
        for number in paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
    ]
    return ListPage(page_obj=page_obj, page_size=size, page_numbers=numbers)
