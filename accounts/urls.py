from django.urls import path

from accounts import views

urlpatterns = [
    path("settings", views.settings, name="settings"),
    path("settings/preferences", views.preferences_update, name="preferences_update"),
    path("settings/reminders", views.reminders_update, name="reminders_update"),
    path("settings/tokens", views.token_create, name="token_create"),
    path("settings/tokens/<uuid:token_id>/revoke", views.token_revoke, name="token_revoke"),
]
