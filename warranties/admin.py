import datetime

from django.contrib import admin
from django.utils import timezone

from spends.admin_links import admin_link
from warranties.models import CalendarFeed, Warranty, WarrantyReminder
from warranties.status import WarrantyStatus, status_condition


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return WarrantyStatus.choices

    def queryset(self, request, queryset):
        if self.value() in WarrantyStatus.values:
            return queryset.filter(status_condition(self.value(), _admin_today()))
        return queryset


def _admin_today() -> datetime.date:
    # The admin spans every user, so it judges status by the server's date, not one user's.
    return timezone.localdate()


@admin.register(Warranty)
class WarrantyAdmin(admin.ModelAdmin):
    list_display = (
        "purchase_link", "owner", "warranty_type", "warranty_start", "warranty_end",
        "status", "days_left", "voided", "provider",
    )  # fmt: skip
    list_filter = (StatusFilter, "warranty_type", "voided", "warranty_end")
    search_fields = ("purchase__product_name", "provider", "notes")
    list_select_related = ("purchase", "owner")
    autocomplete_fields = ("owner", "purchase")
    readonly_fields = ("status", "days_left", "created_at", "updated_at")

    @admin.display(description="Purchase", ordering="purchase__product_name")
    def purchase_link(self, obj):
        return admin_link(obj.purchase)

    @admin.display(description="Status")
    def status(self, obj):
        return obj.status_on(_admin_today()).label

    @admin.display(description="Days left", ordering="warranty_end")
    def days_left(self, obj):
        days = obj.days_remaining_on(_admin_today())
        return "∞" if days is None else days


@admin.register(WarrantyReminder)
class WarrantyReminderAdmin(admin.ModelAdmin):
    """What was reminded, to whom and when. Deleting a row lets that warranty be reminded of
    the same end date again at the next run."""

    list_display = ("warranty", "owner", "warranty_end", "sent_on", "sent_to", "sent_at")
    list_filter = ("sent_on",)
    search_fields = ("warranty__purchase__product_name", "owner__username", "sent_to")
    list_select_related = ("warranty__purchase", "owner")
    readonly_fields = ("owner", "warranty", "warranty_end", "sent_on", "sent_to", "sent_at")

    def has_add_permission(self, request):
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Deleting a feed ends its address; the owner's settings page makes a new one."""

    list_display = ("owner", "created_at", "updated_at")
    search_fields = ("owner__username",)
    list_select_related = ("owner",)
    readonly_fields = ("owner", "secret", "created_at", "updated_at")

    def has_add_permission(self, request):
        return False
