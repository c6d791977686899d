from django.urls import path

from catalog import views

urlpatterns = [
    path("settings/catalog/<str:kind>", views.catalog_entries, name="catalog"),
    path(
        "settings/catalog/<str:kind>/<uuid:entry_id>/edit", views.catalog_edit, name="catalog_edit"
    ),
    path(
        "settings/catalog/<str:kind>/<uuid:entry_id>/merge",
        views.catalog_merge_view,
        name="catalog_merge",
    ),
    path(
        "settings/catalog/<str:kind>/<uuid:entry_id>/delete",
        views.catalog_delete_view,
        name="catalog_delete",
    ),
]
