from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.shortcuts import redirect

from accounts.selectors import instance_has_users

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
