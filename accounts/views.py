from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import FirstUserForm
from accounts.selectors import instance_has_users
from accounts.services import first_user_create
from spends.errors import NotFound


@login_not_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """First run: create the first account, a superuser. Gone (404) once a user exists."""
    if instance_has_users():
        raise Http404("This instance is already set up.")
    form = FirstUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = first_user_create(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
        except NotFound:
            raise Http404("This instance is already set up.") from None
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.get_username()}! Your account is ready.")
            return redirect("dashboard")
    return render(request, "accounts/setup.html", {"form": form})


@require_http_methods(["GET"])
def settings(request):
    return HttpResponse("Settings")
