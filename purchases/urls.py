from django.urls import path

from purchases import views

urlpatterns = [
    path("inventory", views.inventory, name="inventory"),
    path("inventory/new", views.purchase_create, name="purchase_create"),
    path("inventory/bulk", views.purchase_bulk, name="purchase_bulk"),
    path("inventory/<uuid:purchase_id>", views.purchase_detail, name="purchase_detail"),
    path("inventory/<uuid:purchase_id>/edit", views.purchase_update, name="purchase_update"),
    path("inventory/<uuid:purchase_id>/delete", views.purchase_delete, name="purchase_delete"),
    path("inventory/<uuid:purchase_id>/receive", views.purchase_receive, name="purchase_receive"),
]
