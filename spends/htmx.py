"""How a page answers htmx (DESIGN.md, "Pages and htmx"): one template per page, each swapped
region a `{% partialdef %}` named after the element id it replaces, and one view that answers a
normal request with the whole page and an htmx request with the region, from the same context."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """For type hints: a request that went through django-htmx's middleware."""

    htmx: HtmxDetails


def wants_fragment(request: HtmxHttpRequest) -> bool:
    """htmx asked for a region. A boosted request (hx-boost) and htmx restoring history on Back
    (it swaps the whole body) want the whole page."""
    return bool(
        request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    )


def render_page(
    request: HtmxHttpRequest,
    template_name: str,
    context: dict,
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole page, or only `partial` when htmx asked for it. `partial` names a region of
    the page's template, or "other.html#region" when the region lives in a template that the
    page includes (the settings page's sections)."""
    if partial and wants_fragment(request):
        template_name = partial if "#" in partial else f"{template_name}#{partial}"
    return render(request, template_name, context, status=status)


def close_dialog(response: HttpResponse, *events: str) -> HttpResponse:
    """Closes the modal dialog (templates/partials/dialog.html) once its form has succeeded, and
    fires `events` on the page so that regions listening for them refresh themselves
    (hx-trigger="purchases-changed from:body")."""
    response["HX-Trigger"] = ", ".join(("dialog:close", *events))
    return response
