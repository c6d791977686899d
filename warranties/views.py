from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts.selectors import today_for
from spends.errors import NotFound
from spends.htmx import HtmxHttpRequest, close_dialog, render_page
from spends.paging import paginate
from warranties.calendar import warranty_calendar
from warranties.forms import WarrantyFilterForm, WarrantyVoidForm
from warranties.models import CalendarFeed
from warranties.selectors import (
    calendar_feed_owner,
    calendar_feed_warranties,
    warranty_get,
    warranty_list,
    with_shown_status,
)
from warranties.services import (
    calendar_feed_get_or_create,
    calendar_feed_regenerate,
    warranty_set_voided,
)

PAGE = "warranties/warranties.html"


@require_http_methods(["GET"])
def warranties(request: HtmxHttpRequest) -> HttpResponse:
    """Every warranty of the user, soonest end first (lifetime last), filtered by status and by
    "expiring within N days"; htmx swaps only the list region."""
    today = today_for(request.user)
    form = WarrantyFilterForm(request.GET)
    filters = form.valid_filters()
    rows = with_shown_status(warranty_list(request.user, today=today, **filters), today)
    listing = paginate(request.GET, rows)
    count = listing.page_obj.paginator.count
    context = {
        "form": form,
        "filtered": bool(filters),
        # Which empty state to show: none at all, or none that match the filters.
        "has_any": count > 0 or (bool(filters) and warranty_list(request.user).exists()),
        "next_url": request.get_full_path(),
        **listing.as_context(),
    }
    return render_page(request, PAGE, context, partial="warranty-list")


@require_http_methods(["POST"])
def warranty_void(request: HtmxHttpRequest, warranty_id) -> HttpResponse:
    """Void (voided=true) or restore (voided=false) one warranty. htmx gets the row back."""
    try:
        warranty = warranty_get(request.user, warranty_id)
    except NotFound:
        raise Http404("Warranty not found.") from None
    form = WarrantyVoidForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Give voided=true or voided=false.")
    voided = form.cleaned_data["voided"]
    warranty_set_voided(warranty=warranty, voided=voided)
    product = warranty.purchase.product_name
    if voided:
        messages.success(request, f'The warranty of "{product}" is void.')
    else:
        messages.success(request, f'The warranty of "{product}" is valid again.')
    if request.htmx:
        today = today_for(request.user)
        row = with_shown_status(warranty_list(request.user, today=today), today).get(id=warranty.id)
        return render(
            request,
            f"{PAGE}#warranty-row",
            {"warranty": row, "next_url": form.cleaned_data["next"] or ""},
        )
    next_url = form.cleaned_data["next"]
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("warranties")


# The private calendar feed (SPEC 9) and its place on the settings page (Settings › Reminders,
# templates/accounts/settings_reminders.html).
CALENDAR_REGION = "accounts/settings_reminders.html#calendar-feed"
CALENDAR_REGENERATE_PAGE = "warranties/settings_calendar_regenerate.html"


class CalendarFeedSection:
    """The settings page's calendar feed block. The feed is read, or made the first time the
    page is shown, only when a template asks for it: an answer with another region of the page
    runs none of this."""

    def __init__(self, request: HtmxHttpRequest, *, feed: CalendarFeed | None = None):
        self.request = request
        if feed is not None:
            self.feed = feed

    @cached_property
    def feed(self) -> CalendarFeed:
        return calendar_feed_get_or_create(owner=self.request.user)

    @cached_property
    def url(self) -> str:
        return self.request.build_absolute_uri(reverse("calendar_feed", args=[self.feed.secret]))


@login_not_required
@require_http_methods(["GET", "HEAD"])
def calendar_feed(request: HtmxHttpRequest, secret: str) -> StreamingHttpResponse:
    """The iCalendar feed of the secret's owner, whoever asks: a calendar application
    subscribed to it has no session. An unknown (or regenerated) secret is 404."""
    owner = calendar_feed_owner(secret)
    if owner is None:
        raise Http404("Unknown calendar.")
    # Every link has the same shape; reversing it once keeps a large feed quick.
    placeholder = "00000000-0000-0000-0000-000000000000"
    link = request.build_absolute_uri(reverse("purchase_detail", args=[placeholder]))
    document = warranty_calendar(
        calendar_feed_warranties(owner).iterator(chunk_size=2000),
        purchase_url=lambda purchase_id: link.replace(placeholder, str(purchase_id)),
    )
    response = StreamingHttpResponse(document, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="warranties.ics"'
    # Private data behind a secret address: no shared cache keeps it, and a client asks afresh.
    response["Cache-Control"] = "private, no-cache, max-age=0"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "POST"])
def calendar_regenerate(request: HtmxHttpRequest) -> HttpResponse:
    """GET: ask for confirmation (in the dialog). POST: give the feed a new secret; the old
    address stops working."""
    if request.method == "POST":
        feed = calendar_feed_regenerate(owner=request.user)
        messages.success(request, "New calendar link made; the old one no longer works.")
        if request.htmx:
            # Imported here: accounts.views builds the settings page with CalendarFeedSection.
            from accounts.views import settings_context

            section = CalendarFeedSection(request, feed=feed)
            context = settings_context(request, calendar_feed=section, oob=True)
            return close_dialog(render(request, CALENDAR_REGION, context))
        return redirect(f"{reverse('settings')}#reminders")
    return render_page(request, CALENDAR_REGENERATE_PAGE, {}, partial="calendar-regenerate-form")
