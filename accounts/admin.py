from django.contrib import admin

from accounts.models import ApiToken, Preferences


@admin.register(Preferences)
class PreferencesAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "currency_code",
        "date_format",
        "timezone",
        "reminders_enabled",
        "reminder_days_ahead",
        "updated_at",
    )
    list_filter = ("currency_code", "date_format", "reminders_enabled")
    search_fields = ("user__username", "user__email", "reminder_email", "timezone")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "prefix", "created_at", "last_used_at")
    list_filter = ("created_at", "last_used_at")
    search_fields = ("name", "owner__username", "prefix")
    list_select_related = ("owner",)
    readonly_fields = ("prefix", "token_hash", "created_at", "last_used_at")
    autocomplete_fields = ("owner",)

    def has_add_permission(self, request):
        # A token is only useful if someone sees it once; the settings page, the API and
        # `manage.py create_api_token` create tokens and show them.
        return False
