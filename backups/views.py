"""Settings › Backups (SPEC section 8), for staff only: the last backup and the list of backups,
"Back up now", restoring a listed backup or an uploaded archive, and the schedule of automatic
backups. Backups and restores run as jobs whose progress shows in the section (htmx) or on the
job's page (plain forms). Backups hold every account's data, so to anyone but staff these views
do not exist: they answer 404, like anything else that is not theirs."""

import functools
from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from backups.archive import ArchiveError
from backups.forms import RestoreConfirmForm, RestoreUploadForm, ScheduleForm
from backups.models import Backup, BackupFrequency
from backups.selectors import backup_get, backup_list, backup_running, schedule_get
from backups.services import backup_delete as backup_delete_service
from backups.services import backup_start, restore_start, schedule_update
from jobs.models import Job, JobKind
from jobs.selectors import job_unfinished
from spends.errors import ApplicationError, Conflict, NotFound
from spends.forms import add_service_errors, upload_form_status
from spends.htmx import HtmxHttpRequest, close_dialog, render_page, wants_fragment
from spends.uploads import allow_uploads_up_to

SECTION_TEMPLATE = "backups/settings_backups.html"
STATUS_REGION = f"{SECTION_TEMPLATE}#backup-status"
JOB_REGION = f"{SECTION_TEMPLATE}#backup-job"
LIST_REGION = f"{SECTION_TEMPLATE}#backup-list"
UPLOAD_REGION = f"{SECTION_TEMPLATE}#backup-upload"
SCHEDULE_REGION = f"{SECTION_TEMPLATE}#backup-schedule"

_UNSET = object()


class BackupsSection:
    """What the section shows. Each part is read when a template first asks for it, so an htmx
    answer with one region runs only that region's queries (and the page runs none of them for
    anyone but staff: accounts.views.settings_context makes this only for them)."""

    def __init__(
        self,
        user,
        *,
        job: Job | None | object = _UNSET,
        job_title: str = "",
        upload_job: Job | None = None,
        upload_title: str = "",
        upload_form: RestoreUploadForm | None = None,
        schedule_form: ScheduleForm | None = None,
    ):
        self.user = user
        self._job = job
        self._job_title = job_title
        self.upload_job = upload_job
        self.upload_title = upload_title
        self._upload_form = upload_form
        self._schedule_form = schedule_form

    @cached_property
    def backups(self) -> list[Backup]:
        return list(backup_list())

    @cached_property
    def last(self) -> Backup | None:
        return self.backups[0] if self.backups else None

    @cached_property
    def running(self) -> Backup | None:
        return backup_running()

    @cached_property
    def schedule(self):
        return schedule_get()

    @cached_property
    def job(self) -> Job | None:
        """The backup or restore started here; else one still under way when the page is
        opened (whoever started it), whose progress shows again."""
        if self._job is not _UNSET:
            return self._job
        return job_unfinished(self.user, JobKind.BACKUP) or job_unfinished(
            self.user, JobKind.RESTORE
        )

    @cached_property
    def job_title(self) -> str:
        if self._job_title or self.job is None:
            return self._job_title
        return f"{self.job.get_kind_display()} in progress"

    @cached_property
    def upload_form(self) -> RestoreUploadForm:
        return self._upload_form or RestoreUploadForm()

    @cached_property
    def schedule_form(self) -> ScheduleForm:
        if self._schedule_form is not None:
            return self._schedule_form
        return ScheduleForm(
            initial={"frequency": self.schedule.frequency, "keep": self.schedule.keep}
        )

    @cached_property
    def directory(self) -> str:
        return str(settings.SPENDS_BACKUP_DIR)


def staff_only(view):
    """For anyone but staff the view does not exist (404). Checked before the request's body is
    read: the upload view raises its size cap only for staff."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404("Not found.")
        return view(request, *args, **kwargs)

    return wrapped


def _settings_url() -> str:
    return f"{reverse('settings')}#backups"


def _render(
    request: HtmxHttpRequest,
    region: str,
    *,
    status: int = 200,
    oob: tuple[str, ...] = (),
    **section,
) -> HttpResponse:
    """The settings page, or for htmx `region` followed by the `oob` regions out of band (the
    other parts of the section that the change altered)."""
    # Imported here: accounts.views builds the settings page with this module's BackupsSection.
    from accounts.views import render_settings, settings_context

    backups = BackupsSection(request.user, **section)
    if not oob or not wants_fragment(request):
        return render_settings(request, region=region, status=status, backups=backups)
    context = settings_context(request, backups=backups)
    parts = [render_to_string(region, context, request)] if region else []
    parts += [render_to_string(name, {**context, "oob": True}, request) for name in oob]
    return HttpResponse("".join(parts), status=status)


def _refused(request: HtmxHttpRequest, error: Conflict, *, in_dialog: bool = False):
    """An action refused because another is under way: an error toast. htmx gets 409 and
    nothing swapped (static/js/settings.js still shows the toast); a plain form goes back."""
    messages.error(request, error.message)
    if not request.htmx:
        return redirect(_settings_url())
    response = HttpResponse("", status=409)
    response["HX-Reswap"] = "none"
    return close_dialog(response) if in_dialog else response


def _backup_or_404(backup_id) -> Backup:
    try:
        return backup_get(backup_id)
    except NotFound:
        raise Http404("Backup not found.") from None


@require_http_methods(["GET"])
@staff_only
def backup_overview(request: HtmxHttpRequest) -> HttpResponse:
    """The status line and the list (htmx asks again when a backup or restore has ended); the
    settings page without htmx."""
    return _render(request, STATUS_REGION, oob=(LIST_REGION,))


@require_http_methods(["POST"])
@staff_only
def backup_create(request: HtmxHttpRequest) -> HttpResponse:
    """Back up now, as a job: htmx shows its progress in the section, a plain form goes on to
    the job's page."""
    try:
        job = backup_start(user=request.user)
    except Conflict as error:
        return _refused(request, error)
    messages.success(request, "Backup started.")
    if not request.htmx:
        return redirect("job_detail", job.id)
    return _render(request, JOB_REGION, job=job, job_title="Backup")


@require_http_methods(["GET", "POST"])
@staff_only
def backup_delete(request: HtmxHttpRequest, backup_id) -> HttpResponse:
    """GET: ask for confirmation (in the dialog). POST: delete the archive and its record."""
    backup = _backup_or_404(backup_id)
    if request.method == "POST":
        backup_delete_service(backup)
        messages.success(request, f"Backup “{backup.filename}” deleted.")
        if not request.htmx:
            return redirect(_settings_url())
        return close_dialog(_render(request, "", oob=(STATUS_REGION, LIST_REGION)))
    return render_page(
        request, "backups/backup_delete.html", {"backup": backup}, partial="backup-delete-form"
    )


@require_http_methods(["GET", "POST"])
@staff_only
def backup_restore(request: HtmxHttpRequest, backup_id) -> HttpResponse:
    """GET: the restore's warning and confirmation (in the dialog). POST: start restoring this
    backup, as a job, whose progress shows in the section (htmx) or on its page."""
    backup = _backup_or_404(backup_id)
    status = 200
    if request.method == "POST":
        form = RestoreConfirmForm(request.POST)
        if form.is_valid():
            try:
                job = restore_start(user=request.user, backup=backup)
            except Conflict as error:
                return _refused(request, error, in_dialog=True)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"Restore from “{backup.filename}” started.")
                if not request.htmx:
                    return redirect("job_detail", job.id)
                title = f"Restore from “{backup.filename}”"
                return close_dialog(
                    _render(request, "", oob=(JOB_REGION,), job=job, job_title=title)
                )
        status = 422
    else:
        form = RestoreConfirmForm()
    return render_page(
        request,
        "backups/backup_restore.html",
        {"backup": backup, "form": form},
        partial="backup-restore-form",
        status=status,
    )


@csrf_exempt
@require_http_methods(["POST"])
@staff_only
def backup_upload(request: HtmxHttpRequest) -> HttpResponse:
    """Restore from an uploaded archive. A backup may be far larger than any other upload, so
    the cap on the request's files is raised to the backup limit, for staff only, before
    anything reads them. CSRF's check reads the form, and so the files, which is why this view
    checks CSRF itself, after raising the cap (Django's "modifying upload handlers on the fly")."""
    allow_uploads_up_to(request, settings.SPENDS_MAX_BACKUP_BYTES)
    return _restore_upload(request)


@csrf_protect
def _restore_upload(request: HtmxHttpRequest) -> HttpResponse:
    form = RestoreUploadForm(request.POST, request.FILES)
    status = upload_form_status(
        request, form, limit=settings.SPENDS_MAX_BACKUP_BYTES, what="backup"
    )
    if status is not None:
        return _render(request, UPLOAD_REGION, status=status, upload_form=form)
    upload = form.cleaned_data["file"]
    try:
        job = restore_start(user=request.user, upload=upload)
    except Conflict as error:
        return _refused(request, error)
    except ArchiveError as error:
        form.add_error("file", error.message)
        return _render(request, UPLOAD_REGION, status=422, upload_form=form)
    except ApplicationError as error:
        form.add_error(None, error.message)
        return _render(request, UPLOAD_REGION, status=422, upload_form=form)
    messages.success(request, f"Restore from “{upload.name}” started.")
    if not request.htmx:
        return redirect("job_detail", job.id)
    return _render(
        request, UPLOAD_REGION, upload_job=job, upload_title=f"Restore from “{upload.name}”"
    )


@require_http_methods(["POST"])
@staff_only
def backup_schedule(request: HtmxHttpRequest) -> HttpResponse:
    """Save the schedule of automatic backups; the status line, which tells it, follows."""
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            schedule = schedule_update(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if schedule.frequency == BackupFrequency.OFF:
                messages.success(request, "Automatic backups are off.")
            else:
                messages.success(
                    request,
                    f"Automatic backups: {schedule.get_frequency_display().lower()}, keeping "
                    f"the newest {schedule.keep}.",
                )
            if not request.htmx:
                return redirect(_settings_url())
            return _render(request, SCHEDULE_REGION, oob=(STATUS_REGION,))
    return _render(request, SCHEDULE_REGION, status=422, schedule_form=form)
