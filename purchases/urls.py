from django.urls import path

from purchases import views

urlpatterns = [
    path("inventory", views.inventory, name="inventory"),
    path("inventory/new", views.purchase_create, name="purchase_create"),
    path("inventory/bulk", views.purchase_bulk, name="purchase_bulk"),
    path("inventory/export/<str:file_format>", views.inventory_export, name="inventory_export"),
    path("settings/data/import", views.data_import, name="data_import"),
    path("inventory/<uuid:purchase_id>", views.purchase_detail, name="purchase_detail"),
    path("inventory/<uuid:purchase_id>/edit", views.purchase_update, name="purchase_update"),
    path("inventory/<uuid:purchase_id>/delete", views.purchase_delete, name="purchase_delete"),
    path("inventory/<uuid:purchase_id>/receive", views.purchase_receive, name="purchase_receive"),
    path(
        "inventory/<uuid:purchase_id>/attachments",
        views.purchase_attachments,
        name="purchase_attachments",
    ),
    path(
        "inventory/attachments/<uuid:attachment_id>",
        views.attachment_preview,
        name="attachment_preview",
    ),
    path(
        "inventory/attachments/<uuid:attachment_id>/inline",
        views.attachment_inline,
        name="attachment_inline",
    ),
    path(
        "inventory/attachments/<uuid:attachment_id>/download",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "inventory/attachments/<uuid:attachment_id>/delete",
        views.attachment_delete,
        name="attachment_delete",
    ),
]
