from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from spends import views
from spends.api import api

handler404 = "spends.views.page_not_found"
handler500 = "spends.views.server_error"

admin.site.site_header = "Spends Tracker administration"
admin.site.site_title = "Spends Tracker admin"

urlpatterns = [
    path("", include("analytics.urls")),
    path("", include("purchases.urls")),
    path("", include("warranties.urls")),
    path("", include("accounts.urls")),
    path("", include("catalog.urls")),
    path("", include("jobs.urls")),
    path("", include("backups.urls")),
    path("setup", account_views.setup, name="setup"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
