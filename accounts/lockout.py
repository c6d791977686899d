"""What a locked-out sign-in attempt sees (django-axes' AXES_LOCKOUT_CALLABLE): the API gets
JSON, pages get the lockout page; both with HTTP 429."""

from django.http import JsonResponse
from django.shortcuts import render

LOCKOUT_MESSAGE = "Too many failed sign-in attempts. Please wait 15 minutes, then try again."


def lockout_response(request, original_response=None, credentials=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOCKOUT_MESSAGE}, status=429)
    return render(request, "registration/locked_out.html", status=429)
