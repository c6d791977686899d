from django.urls import path

from warranties import views

urlpatterns = [
    path("warranties", views.warranties, name="warranties"),
    path("warranties/<uuid:warranty_id>/void", views.warranty_void, name="warranty_void"),
    path("calendar/<str:secret>.ics", views.calendar_feed, name="calendar_feed"),
    path("settings/calendar/regenerate", views.calendar_regenerate, name="calendar_regenerate"),
]
