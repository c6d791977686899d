from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts.selectors import today_for
from spends.errors import NotFound
from spends.htmx import HtmxHttpRequest, render_page
from spends.paging import paginate
from warranties.forms import WarrantyFilterForm, WarrantyVoidForm
from warranties.selectors import warranty_get, warranty_list, with_shown_status
from warranties.services import warranty_set_voided

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
