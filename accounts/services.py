import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, Preferences
from accounts.selectors import preferences_for, preferences_read_with
from spends.errors import NotFound

PREFERENCE_FIELDS = (
    "currency_code", "date_format", "timezone",
    "reminders_enabled", "reminder_days_ahead", "reminder_email",
)  # fmt: skip
TOKEN_PREFIX = "spt_"


@transaction.atomic
def first_user_create(*, username: str, password: str, email: str = ""):
    """The first account of a new instance: a superuser. Refused once any user exists."""
    User = get_user_model()
    # Lock out a second concurrent first-run request: only one may create the first user.
    if User.objects.select_for_update().exists():
        raise NotFound("This instance is already set up.")
    user = User(username=username.strip(), email=email.strip(), is_staff=True, is_superuser=True)
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def preferences_update(*, user, **changes) -> Preferences:
    """Change some preferences; an unknown key or an invalid value changes nothing."""
    unknown = sorted(set(changes) - set(PREFERENCE_FIELDS))
    if unknown:
        raise ValidationError({key: "Unknown setting." for key in unknown})
    preferences = preferences_for(user)
    for key, value in changes.items():
        setattr(preferences, key, value)
    try:
        preferences.full_clean(exclude=["user"])
    except ValidationError:
        user._spends_preferences = None
        raise
    preferences.save()
    return preferences


@transaction.atomic
def preferences_reset(*, user) -> Preferences:
    Preferences.objects.filter(user=user).delete()
    preferences = preferences_read_with(user, None)
    preferences.save()
    return preferences


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(*, owner, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `owner`: answers the stored record and the token, shown only now."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        owner=owner,
        name=(name or "").strip() or f"Token {timezone.now():%Y-%m-%d %H:%M}",
        token_hash=hash_token(token),
        prefix=token[: len(TOKEN_PREFIX) + 4],
    )
    record.full_clean()
    record.save()
    return record, token


def api_token_revoke(*, owner, token_id) -> None:
    deleted, _ = ApiToken.objects.filter(owner=owner, id=token_id).delete()
    if not deleted:
        raise NotFound("Unknown token.")


def api_token_authenticate(token: str):
    """The user a bearer token belongs to, or None; records when the token was last used.
    The user's preferences (time zone, currency), which nearly every API answer needs, come in
    the same query."""
    record = (
        ApiToken.objects.select_related("owner__preferences")
        .filter(token_hash=hash_token(token), owner__is_active=True)
        .first()
    )
    if record is None:
        return None
    owner = record.owner
    try:
        preferences = owner.preferences
    except Preferences.DoesNotExist:
        preferences = None
    preferences_read_with(owner, preferences)
    now = timezone.now()
    # Writing on every request would make each API read a write; once a minute is enough.
    if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return owner
