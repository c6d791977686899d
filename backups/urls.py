from django.urls import path

from backups import views

urlpatterns = [
    path("settings/backups", views.backup_overview, name="backup_list"),
    path("settings/backups/create", views.backup_create, name="backup_create"),
    path("settings/backups/upload", views.backup_upload, name="backup_upload"),
    path("settings/backups/schedule", views.backup_schedule, name="backup_schedule"),
    path("settings/backups/<uuid:backup_id>/delete", views.backup_delete, name="backup_delete"),
    path("settings/backups/<uuid:backup_id>/restore", views.backup_restore, name="backup_restore"),
]
