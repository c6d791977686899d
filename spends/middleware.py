from django.contrib.messages import get_messages
from django.template.loader import render_to_string


class HtmxMessagesMiddleware:
    """Messages left over after an htmx response is rendered travel with it as toasts, out of
    band, so that every change answers with a toast whichever fragment was swapped. A full page
    shows them itself through base.html."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        if (
            not htmx
            or response.streaming
            or "HX-Redirect" in response
            or "HX-Location" in response
            or not response.get("Content-Type", "").startswith("text/html")
            or 300 <= response.status_code < 400
        ):
            return response
        storage = get_messages(request)
        if not len(storage):
            return response
        toasts = render_to_string(
            "partials/toasts.html", {"messages": storage, "oob": True}, request=request
        )
        response.content = response.content + toasts.encode(response.charset)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
