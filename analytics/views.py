from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from purchases.selectors import purchase_count
from warranties.selectors import warranty_count


@require_http_methods(["GET"])
def dashboard(request):
    """Placeholder until the dashboard lands."""
    context = {
        "purchase_count": purchase_count(request.user),
        "warranty_count": warranty_count(request.user),
    }
    return render(request, "accounts/home.html", context)
