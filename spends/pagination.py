"""The list envelope every API list answers: {"items", "total", "skip", "limit"}."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_LIMIT = 100
MAX_SKIP = 2**31 - 1
DEFAULT_LIMIT = 20


class SkipLimitPagination(PaginationBase):
    class Input(Schema):
        # Bounded so that the database never sees an OFFSET it cannot hold (64-bit).
        skip: int = Field(0, ge=0, le=MAX_SKIP, description="How many items to skip.")
        limit: int = Field(
            DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many items to answer (1 to 100)."
        )

    class Output(Schema):
        items: list[Any]
        total: int
        skip: int
        limit: int

    items_attribute = "items"

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params
    ) -> dict:
        skip, limit = pagination.skip, pagination.limit
        return {
            "items": list(queryset[skip : skip + limit]),
            "total": self.total(queryset, request),
            "skip": skip,
            "limit": limit,
        }

    def total(self, queryset: QuerySet, request: HttpRequest) -> int:
        """How many items the whole list holds."""
        return self._items_count(queryset)
