from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.forms import ApiTokenForm, FirstUserForm, PreferencesForm, RemindersForm
from accounts.selectors import api_token_list, instance_has_users, preferences_for, today_for
from accounts.services import (
    api_token_create,
    api_token_revoke,
    first_user_create,
)
from accounts.services import (
    preferences_update as preferences_save,
)
from analytics.cards import DASHBOARD_CARDS
from backups.views import BackupsSection
from catalog.views import KINDS as CATALOG_KINDS
from catalog.views import catalog_context
from jobs.models import JobKind
from jobs.selectors import job_unfinished
from purchases.forms import ImportForm
from spends.errors import NotFound
from spends.forms import add_service_errors
from spends.htmx import HtmxHttpRequest, close_dialog, render_page
from warranties.views import CalendarFeedSection


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


# The settings page (/settings): one card per section, each an include with an id for anchors,
# listed in the in-page navigation. A new section is one line here and one template.
@dataclass(frozen=True)
class SettingsSection:
    id: str
    title: str
    icon: str
    template: str
    staff_only: bool = False


SETTINGS_SECTIONS = (
    SettingsSection(
        "preferences", "Preferences", "bi-sliders", "accounts/settings_preferences.html"
    ),
    SettingsSection("reminders", "Reminders", "bi-bell", "accounts/settings_reminders.html"),
    SettingsSection("appearance", "Appearance", "bi-palette", "accounts/settings_appearance.html"),
    SettingsSection("catalog", "Retailers and brands", "bi-shop", "catalog/settings_catalog.html"),
    SettingsSection("data", "Data", "bi-database", "purchases/settings_data.html"),
    SettingsSection("tokens", "API tokens", "bi-key", "accounts/settings_tokens.html"),
    SettingsSection(
        "backups", "Backups", "bi-archive", "backups/settings_backups.html", staff_only=True
    ),
)
SETTINGS_TEMPLATE = "accounts/settings.html"


def preferences_form(user, data=None) -> PreferencesForm:
    preferences = preferences_for(user)
    initial = {
        "currency_code": preferences.currency_code,
        "date_format": preferences.date_format,
        "timezone": preferences.timezone,
    }
    return PreferencesForm(data, initial=initial, today=today_for(user))


def reminders_form(user, data=None) -> RemindersForm:
    preferences = preferences_for(user)
    initial = {
        "reminders_enabled": preferences.reminders_enabled,
        "reminder_days_ahead": preferences.reminder_days_ahead,
        "reminder_email": preferences.reminder_email,
    }
    return RemindersForm(data, initial=initial, account_email=user.email)


def settings_context(request, **overrides) -> dict:
    """Everything the settings page shows. Lists are lazy querysets, so a view that answers
    with one region runs only that region's queries."""
    user = request.user
    context = {
        "sections": [s for s in SETTINGS_SECTIONS if not s.staff_only or user.is_staff],
        "preferences_form": None,
        "reminders_form": None,
        # What is saved, which the Reminders section tells beneath its form.
        "reminder_preferences": preferences_for(user),
        "calendar_feed": CalendarFeedSection(request),
        "dashboard_cards": DASHBOARD_CARDS,
        "catalogs": [catalog_context(user, kind) for kind in CATALOG_KINDS],
        "token_form": ApiTokenForm(prefix="token"),
        "tokens": api_token_list(user),
        "new_token": None,
        "import_form": None,
        "backups": None,
        **overrides,
    }
    if context["preferences_form"] is None:
        context["preferences_form"] = preferences_form(user)
    if context["reminders_form"] is None:
        context["reminders_form"] = reminders_form(user)
    if context["import_form"] is None:
        context["import_form"] = ImportForm(owner=user)
    if "import_job" not in overrides:
        # An import still running when the page is opened again shows its progress here too.
        context["import_job"] = job_unfinished(user, JobKind.IMPORT)
        context["import_title"] = "Import in progress"
    if context["backups"] is None and user.is_staff:
        # Only staff see the section; its parts are read when a template asks for them.
        context["backups"] = BackupsSection(user)
    return context


def render_settings(
    request: HtmxHttpRequest, *, region: str, status: int = 200, **overrides
) -> HttpResponse:
    """The whole settings page, or for htmx only `region` (a "template#partial" of one
    section)."""
    context = settings_context(request, **overrides)
    return render_page(request, SETTINGS_TEMPLATE, context, partial=region, status=status)


def _settings_url(section: str) -> str:
    return f"{reverse('settings')}#{section}"


PREFERENCES_REGION = "accounts/settings_preferences.html#preferences-form"
REMINDERS_REGION = "accounts/settings_reminders.html#reminders-form"
TOKENS_REGION = "accounts/settings_tokens.html#api-tokens"


@require_http_methods(["GET"])
def settings(request: HtmxHttpRequest) -> HttpResponse:
    return render_page(request, SETTINGS_TEMPLATE, settings_context(request))


def _preferences_section_update(
    request: HtmxHttpRequest, *, make_form, form_name: str, section: str, region: str, saved: str
) -> HttpResponse:
    """GET: the section's form (the settings page without htmx). POST: save the preferences it
    holds, through the preferences service, whose errors go beside the fields (422)."""
    if request.method == "GET":
        return render_settings(request, region=region)
    form = make_form(request.user, request.POST)
    if form.is_valid():
        try:
            preferences_save(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, saved)
            if not request.htmx:
                return redirect(_settings_url(section))
            return render_settings(request, region=region)
    return render_settings(request, region=region, status=422, **{form_name: form})


@require_http_methods(["GET", "POST"])
def preferences_update(request: HtmxHttpRequest) -> HttpResponse:
    return _preferences_section_update(
        request, make_form=preferences_form, form_name="preferences_form",
        section="preferences", region=PREFERENCES_REGION, saved="Preferences saved.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def reminders_update(request: HtmxHttpRequest) -> HttpResponse:
    return _preferences_section_update(
        request, make_form=reminders_form, form_name="reminders_form",
        section="reminders", region=REMINDERS_REGION, saved="Reminder settings saved.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def token_create(request: HtmxHttpRequest) -> HttpResponse:
    """GET: the tokens (the settings page without htmx). POST: create one and show it, once.

    The new token is in this answer only (never stored, so a plain POST answers the page
    itself rather than redirecting)."""
    if request.method == "GET":
        return render_settings(request, region=TOKENS_REGION)
    form = ApiTokenForm(request.POST, prefix="token")
    if form.is_valid():
        try:
            record, token = api_token_create(owner=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f'Token "{record.name}" created. Copy it now.')
            return render_settings(
                request, region=TOKENS_REGION, new_token={"record": record, "token": token}
            )
    return render_settings(request, region=TOKENS_REGION, status=422, token_form=form)


@require_http_methods(["GET", "POST"])
def token_revoke(request: HtmxHttpRequest, token_id) -> HttpResponse:
    """GET: ask for confirmation (in the dialog). POST: revoke the token."""
    record = api_token_list(request.user).filter(id=token_id).first()
    if record is None:
        raise Http404("Unknown token.")
    if request.method == "POST":
        try:
            api_token_revoke(owner=request.user, token_id=record.id)
        except NotFound:
            raise Http404("Unknown token.") from None
        messages.success(request, f'Token "{record.name}" revoked.')
        if request.htmx:
            context = settings_context(request, oob=True)
            return close_dialog(render(request, TOKENS_REGION, context))
        return redirect(_settings_url("tokens"))
    return render_page(
        request,
        "accounts/settings_token_revoke.html",
        {"token": record},
        partial="token-revoke-form",
    )
