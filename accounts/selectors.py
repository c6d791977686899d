import datetime
import zoneinfo
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import ApiToken, Preferences
from spends.errors import NotFound


def preferences_for(user) -> Preferences:
    """The user's preferences, or unsaved defaults when never set; cached on the user object
    so that one request reads them once."""
    cached = getattr(user, "_spends_preferences", None)
    if cached is not None:
        return cached
    return preferences_read_with(user, Preferences.objects.filter(user=user).first())


def preferences_read_with(user, preferences: Preferences | None) -> Preferences:
    """Keeps on `user` the preferences read along with it (None: it has none, so the unsaved
    defaults), for `preferences_for` to answer without reading them again."""
    user._spends_preferences = preferences or Preferences(user=user)
    return user._spends_preferences


def time_zone_for(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(preferences_for(user).timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def today_for(user, now: datetime.datetime | None = None) -> datetime.date:
    """Today's date where the user lives: what every warranty status is judged against."""
    return timezone.localdate(now, timezone=time_zone_for(user))


def users_with_reminders_on() -> Iterator:
    """The active users who turned warranty reminders on, each with its preferences read (in
    one query for all of them)."""
    preferences = Preferences.objects.filter(reminders_enabled=True, user__is_active=True)
    for row in preferences.select_related("user").order_by("user_id"):
        preferences_read_with(row.user, row)
        yield row.user


def api_token_list(owner) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(owner=owner).order_by("-created_at")


def user_named(username: str):
    """The user a command names (`export_data alice`), or NotFound saying there is none."""
    User = get_user_model()
    try:
        return User._default_manager.get_by_natural_key(username)
    except User.DoesNotExist:
        raise NotFound(f'There is no user "{username}".') from None


def instance_has_users() -> bool:
    return get_user_model().objects.exists()
