"""How a page answers htmx (DESIGN.md, "Pages and htmx"): one template per page, each swapped
region a `{% partialdef %}` named after the element id it replaces, and one view that answers a
normal request with the whole page and an htmx request with the region, from the same context."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """For type hints: a request that went through django-htmx's middleware."""

    htmx: HtmxDetails


def render_page(
    request: HtmxHttpRequest,
    template_name: str,
    context: dict,
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole page, or only `partial` when htmx asked for it.

    A boosted request (hx-boost) and htmx restoring history on Back (it swaps the whole body)
    want the whole page, so they get it."""
    if (
        partial
        and request.htmx
        and not request.htmx.boosted
        and not request.htmx.history_restore_request
    ):
        template_name = f"{template_name}#{partial}"
    return render(request, template_name, context, status=status)


def htmx_redirect(request: HtmxHttpRequest, url: str) -> HttpResponse | None:
    """After an htmx form succeeds where the page must change, htmx follows `HX-Location`
    (a partial swap with history) rather than a 302 it would swap into the form."""
    if not request.htmx:
        return None
    response = HttpResponse(status=204)
    response["HX-Location"] = url
    return response


def close_dialog(response: HttpResponse, *events: str) -> HttpResponse:
    """Closes the modal dialog (templates/partials/dialog.html) once its form has succeeded, and
    fires `events` on the page so that regions listening for them refresh themselves
    (hx-trigger="purchases-changed from:body")."""
    response["HX-Trigger"] = ", ".join(("dialog:close", *events))
    return response
