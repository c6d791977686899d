from urllib.parse import urlsplit

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from accounts.selectors import instance_has_users, time_zone_for

# Paths that work before anyone has signed in. The API authenticates each request itself and
# answers 401 in JSON rather than redirecting to a login page.
OPEN_PREFIXES = ("/static/", "/healthz", "/setup", "/api/", "/calendar/")


class FirstRunMiddleware:
    """While the database has no user at all, every page leads to /setup."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not request.user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and not instance_has_users()
        ):
            return redirect("setup")
        return self.get_response(request)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's: every view needs a signed-in user unless marked @login_not_required; the API
    is left to its own authentication."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request, view_func):
        response = super().handle_no_permission(request, view_func)
        htmx = getattr(request, "htmx", None)
        if not htmx or not htmx.current_url:
            return response
        # An htmx request (a region polling itself, say, after the session ended or a restore
        # replaced the account) would swap the sign-in page into that region: send the whole
        # page there instead, coming back to where the person was.
        current = urlsplit(htmx.current_url)
        back = current.path + (f"?{current.query}" if current.query else "")
        location = redirect_to_login(back, self.get_login_url(view_func)).url
        return HttpResponse(status=200, headers={"HX-Redirect": location})


class UserTimeZoneMiddleware:
    """Pages show times in the signed-in user's time zone (stored in UTC, SPEC 2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            timezone.activate(time_zone_for(request.user))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
