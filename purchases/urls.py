from django.urls import path

from purchases import views

urlpatterns = [
    path("inventory", views.inventory, name="inventory"),
]
