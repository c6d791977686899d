"""The backups API, mounted at /api/backup (SPEC section 8): taking, listing, downloading,
deleting and restoring backups of the whole instance, and the schedule of automatic ones.
Staff only, every operation: the router's authentication refuses anyone else with 403 before
the request's body is read."""

import json
from uuid import UUID

import pydantic
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent, ValidationError
from django.http import FileResponse, HttpRequest
from django.http.multipartparser import MultiPartParserError
from ninja import Query, Router
from ninja.errors import ValidationError as SchemaValidationError
from ninja.responses import Status
from ninja.security import APIKeyCookie, HttpBearer

from accounts.schemas import ErrorOut, ValidationErrorOut
from backups import services
from backups.archive import ArchiveError
from backups.schemas import BackupOut, RestoreIn, ScheduleIn, ScheduleOut
from backups.selectors import backup_get, backup_list, backup_path, schedule_get
from jobs.schemas import JobOut
from spends.errors import NotFound, PayloadTooLarge
from spends.uploads import allow_uploads_up_to, oversized_uploads, size_limit_text

# Every operation may answer these besides its own.
ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut}
ARCHIVE_CONTENT_TYPE = "application/zip"
# Multipart fields a restore upload may carry besides `file`: a browser form's CSRF token.
IGNORED_FORM_FIELDS = {"csrfmiddlewaretoken"}
NEITHER_MESSAGE = (
    'Send a backup archive as the multipart field "file", or {"backup_id": "<id>"} as JSON.'
)


def _api_authentication(name: str):
    """One of the API's own authentications (spends.api), looked up when a request comes:
    spends.api imports this module to mount its router."""
    from spends import api

    return getattr(api, name)()


# The two classes below are named as the API's own so that the OpenAPI schema shows one bearer
# scheme and one session scheme, whichever operation uses them.


class BearerTokenAuth(HttpBearer):
    """The API's bearer token, of a staff user; anyone else's answers 403."""

    def authenticate(self, request: HttpRequest, token: str):
        user = _api_authentication("BearerTokenAuth").authenticate(request, token)
        if user is not None:
            services.require_staff(user)
        return user


class SessionCsrfAuth(APIKeyCookie):
    """The API's browser session, of a staff user. Staff is checked before CSRF: the CSRF check
    of a POST reads the request's body (a form's token), and nobody else's upload should be
    read. With `backup_uploads`, a staff user's upload is then read with the backup limit
    rather than the usual upload limit."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, *, backup_uploads: bool = False):
        super().__init__()
        self.backup_uploads = backup_uploads

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name in request.COOKIES and request.user.is_authenticated:
            services.require_staff(request.user)
            if self.backup_uploads:
                _read_upload_form(request)
        return _api_authentication("SessionCsrfAuth")._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None):
        return _api_authentication("SessionCsrfAuth").authenticate(request, key)


router = Router(tags=["backups"], auth=[BearerTokenAuth(), SessionCsrfAuth()])


def _body_problem(loc: list, msg: str, kind: str = "value_error") -> SchemaValidationError:
    return SchemaValidationError([{"loc": loc, "msg": msg, "type": kind}])


def _read_upload_form(request: HttpRequest) -> None:
    """Reads a multipart body, allowing files up to the backup limit (only staff get here), and
    turns what can go wrong while reading into the API's answers rather than a 500."""
    if request.content_type != "multipart/form-data":
        return
    allow_uploads_up_to(request, settings.SPENDS_MAX_BACKUP_BYTES)
    try:
        request.FILES  # noqa: B018 - reading the body is the point
    except RequestDataTooBig:
        raise PayloadTooLarge("The request's form fields are too large.") from None
    except (MultiPartParserError, TooManyFilesSent) as error:
        raise _body_problem(["body"], f"The multipart body cannot be read: {error}") from None
    if oversized := oversized_uploads(request):
        limit = size_limit_text(settings.SPENDS_MAX_BACKUP_BYTES)
        raise PayloadTooLarge(
            f"“{oversized[0]}” is larger than the {limit} a restore accepts (SPENDS_MAX_BACKUP_GB)."
        )


def _restore_upload(request: HttpRequest):
    """The archive uploaded as the multipart field `file`."""
    _read_upload_form(request)
    unknown = sorted((set(request.POST) - IGNORED_FORM_FIELDS) | (set(request.FILES) - {"file"}))
    if unknown:
        problem = {"msg": "Extra inputs are not permitted", "type": "extra_forbidden"}
        raise SchemaValidationError([{"loc": ["body", name], **problem} for name in unknown])
    uploads = request.FILES.getlist("file")
    if not uploads:
        raise _body_problem(["body"], NEITHER_MESSAGE, "missing")
    if len(uploads) > 1:
        raise _body_problem(["body", "file"], "Send one archive, not several.")
    return uploads[0]


def _restore_choice(request: HttpRequest) -> RestoreIn:
    """The backup chosen by a JSON body {"backup_id": ...}."""
    try:
        raw = request.body
    except RequestDataTooBig:
        raise PayloadTooLarge("The request's body is too large.") from None
    if not raw.strip():
        raise _body_problem(["body"], NEITHER_MESSAGE, "missing")
    try:
        given = json.loads(raw)
    except (ValueError, RecursionError):
        raise _body_problem(["body"], "The body is not valid JSON.", "json_invalid") from None
    if given == {}:
        raise _body_problem(["body"], NEITHER_MESSAGE, "missing")
    try:
        return RestoreIn.model_validate(given)
    except pydantic.ValidationError as error:
        raise SchemaValidationError(
            [{**problem, "loc": ["body", *problem["loc"]]} for problem in error.errors()]
        ) from None


# Taking a backup and following it ---------------------------------------------------------


@router.post(
    "/create", response={202: JobOut, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    summary="Start a backup",
)  # fmt: skip
def create_backup(request):
    """Starts a backup of the whole instance (every account's data and every stored file) as a
    job; follow it with `GET /api/backup/status?job_id=...`. Its `result` names the backup
    (`backup_id`, `filename`, `size`, `file_count`). Another backup or restore under way
    answers 409."""
    return Status(202, services.backup_start(user=request.auth))


@router.get(
    "/status", response={200: JobOut, 404: ErrorOut, **ERRORS}, summary="Follow a backup or restore"
)
def backup_status(request, job_id: Query[UUID | None] = None):
    """The backup or restore job `job_id`, or without it the latest one, as it stands: poll it
    until `state` is `succeeded` or `failed`. A job whose worker died is reported as failed."""
    return services.backup_job_status(request.auth, job_id)


# The backups ------------------------------------------------------------------------------


@router.get("/list", response={200: list[BackupOut], **ERRORS}, summary="List the backups")
def list_backups(request):
    """Every finished backup, newest first, as a plain array; `kind` is `manual`, `scheduled`
    or `restore_point`."""
    return list(backup_list())


# Restoring --------------------------------------------------------------------------------


def _restore_request_body() -> dict:
    upload_schema = {
        "type": "object",
        "properties": {
            "file": {
                "type": "string",
                "format": "binary",
                "description": "A backup archive (spends-backup-*.zip).",
            }
        },
        "required": ["file"],
        "additionalProperties": False,
    }
    return {
        "requestBody": {
            "required": True,
            "description": "A listed backup as JSON, or an archive uploaded as multipart.",
            "content": {
                "application/json": {"schema": RestoreIn.model_json_schema()},
                "multipart/form-data": {"schema": upload_schema},
            },
        }
    }


@router.post(
    "/restore",
    response={202: JobOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, **ERRORS},
    summary="Restore a backup",
    auth=[BearerTokenAuth(), SessionCsrfAuth(backup_uploads=True)],
    openapi_extra=_restore_request_body(),
)
def restore_backup(request):
    """Replaces every account's data and stored files with a backup's, as a job: either a
    listed backup, `{"backup_id": "<id>"}` as JSON, or an archive uploaded as the multipart
    field `file` (up to the backup limit, 20 GB by default; larger answers 413). The archive is
    checked first, and a restore point (a backup of the current state) is taken before anything
    changes; a failed restore leaves the data as they were. An upload that is no backup archive
    answers 422; another backup or restore under way answers 409."""
    # The body is read here rather than declared, so that ninja does not read it before the
    # router's authentication has made sure that the caller is staff.
    if request.content_type == "multipart/form-data":
        upload = _restore_upload(request)
        try:
            job = services.restore_start(user=request.auth, upload=upload)
        except ArchiveError as error:
            raise ValidationError({"file": error.message}) from None
    else:
        choice = _restore_choice(request)
        backup = backup_get(choice.backup_id)
        try:
            job = services.restore_start(user=request.auth, backup=backup)
        except ArchiveError as error:
            raise ValidationError({"backup_id": error.message}) from None
    return Status(202, job)


# The schedule -----------------------------------------------------------------------------


@router.get("/schedule", response={200: ScheduleOut, **ERRORS}, summary="Get the schedule")
def get_schedule(request):
    """Automatic backups: how often (`off`, `daily`, `weekly` or `monthly`), how many to keep,
    and why the last one failed (`last_error`, null when it did not)."""
    return schedule_get()


@router.put("/schedule", response={200: ScheduleOut, **ERRORS}, summary="Change the schedule")
def update_schedule(request, payload: ScheduleIn):
    """Sets how often automatic backups are taken and how many are kept (1 to 365); an omitted
    field keeps its value. Older automatic backups are deleted after the next one succeeds."""
    return services.schedule_update(frequency=payload.frequency, keep=payload.keep)


# One backup: these paths come last, since "/{backup_id}" would also match "/restore" --------


@router.get(
    "/{backup_id}/download",
    response={200: None, 404: ErrorOut, **ERRORS},
    summary="Download a backup",
    openapi_extra={
        "responses": {
            200: {
                "description": "The archive, spends-backup-YYYYMMDD-HHMMSS.zip, as a download.",
                "content": {
                    ARCHIVE_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def download_backup(request, backup_id: UUID):
    """The archive's bytes as a download (`Content-Disposition: attachment`)."""
    backup = backup_get(backup_id)
    try:
        archive = open(backup_path(backup), "rb")  # noqa: SIM115 - FileResponse closes it
    except FileNotFoundError:
        raise NotFound("This backup's archive is no longer in the backups directory.") from None
    response = FileResponse(
        archive, as_attachment=True, filename=backup.filename, content_type=ARCHIVE_CONTENT_TYPE
    )
    response["X-Content-Type-Options"] = "nosniff"
    # It holds every account's data: no shared cache keeps it, and no browser cache either.
    response["Cache-Control"] = "private, no-store"
    return response


@router.delete(
    "/{backup_id}", response={204: None, 404: ErrorOut, **ERRORS}, summary="Delete a backup"
)
def delete_backup(request, backup_id: UUID):
    """Deletes the backup's archive and its record."""
    services.backup_delete(backup_get(backup_id))
    return Status(204, None)
