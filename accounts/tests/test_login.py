import pytest

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_and_logout(client, user):
    assert client.get("/").status_code == 302
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/logout/")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_wrong_password_says_so(client, user):
    response = client.post("/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_five_failures_for_one_username_lock_it_out(client, user):
    statuses = [
        client.post(
            "/login/", {"username": "alice", "password": f"wrong{attempt}"},
            REMOTE_ADDR=f"10.0.0.{attempt + 1}",
        ).status_code
        for attempt in range(5)
    ]  # fmt: skip
    # django-axes answers the fifth failure itself with the lockout, and every attempt after it.
    assert statuses == [200, 200, 200, 200, 429]
    # Even the right password from yet another address is refused for now.
    response = client.post(
        "/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.99"
    )
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert b"15 minutes" in response.content


def test_five_failures_from_one_address_lock_it_out(client, user, other_user):
    for attempt in range(5):
        client.post("/login/", {"username": f"nobody{attempt}", "password": "x"})
    response = client.post("/login/", {"username": "mallory", "password": PASSWORD})
    assert response.status_code == 429


def test_the_lockout_ends_after_the_window(client, user, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    for attempt in range(5):
        client.post("/login/", {"username": "alice", "password": f"wrong{attempt}"})
    assert client.post("/login/", {"username": "alice", "password": PASSWORD}).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302


def test_an_htmx_request_without_a_session_sends_the_whole_page_to_sign_in(client, user):
    response = client.get(
        "/inventory",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/settings?x=1#backups"},
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login/?next=/settings%3Fx%3D1"
    assert response.content == b""


def test_a_plain_request_without_a_session_is_redirected_to_sign_in(client, user):
    response = client.get("/inventory")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/inventory"
