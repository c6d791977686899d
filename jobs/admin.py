from django.contrib import admin

from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: a job's record is what happened; the worker writes it."""

    list_display = ("kind", "owner", "state", "progress_done", "progress_total", "created_at")
    list_filter = ("kind", "state")
    search_fields = ("owner__username", "error", "task_id")
    list_select_related = ("owner",)
    readonly_fields = (
        "kind", "owner", "state", "stage", "progress_done", "progress_total", "created_at",
        "started_at", "finished_at", "result", "error", "task_id",
    )  # fmt: skip
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
