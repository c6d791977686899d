from django.urls import path

from warranties import views

urlpatterns = [
    path("warranties", views.warranties, name="warranties"),
]
