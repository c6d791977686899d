from django.urls import path

from jobs import views

urlpatterns = [
    path("jobs/<uuid:job_id>", views.job_detail, name="job_detail"),
]
