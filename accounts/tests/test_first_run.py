import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

GOOD = {
    "username": "alice",
    "email": "alice@example.com",
    "password1": "a sturdy passphrase 42",
    "password2": "a sturdy passphrase 42",
}


@pytest.mark.parametrize("path", ["/", "/login/", "/admin/", "/anything/else"])
def test_every_page_leads_to_setup_while_there_is_no_user(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/setup"


def test_healthz_and_the_api_are_not_redirected_on_first_run(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/openapi.json").status_code in (200, 401)


def test_setup_creates_a_superuser_signs_in_and_shows_home(client):
    page = client.get("/setup")
    assert page.status_code == 200
    assert b"Create the first account" in page.content
    response = client.post("/setup", GOOD, follow=True)
    assert response.status_code == 200
    user = get_user_model().objects.get()
    assert (user.username, user.email, user.is_superuser, user.is_staff) == (
        "alice", "alice@example.com", True, True,
    )  # fmt: skip
    assert response.wsgi_request.user == user
    assert b"Welcome, alice!" in response.content
    assert client.get("/admin/").status_code == 200


def test_setup_is_gone_once_a_user_exists(client):
    client.post("/setup", GOOD)
    client.logout()
    assert client.get("/setup").status_code == 404
    second = {**GOOD, "username": "eve"}
    assert client.post("/setup", second).status_code == 404
    assert get_user_model().objects.count() == 1


def test_setup_shows_errors_beside_the_fields_and_creates_nothing(client):
    response = client.post("/setup", {**GOOD, "password2": "something else entirely"})
    assert response.status_code == 200
    assert b"The two password fields didn" in response.content
    assert b'aria-invalid="true"' in response.content
    response = client.post("/setup", {**GOOD, "password1": "123", "password2": "123"})
    assert b"too short" in response.content
    response = client.post("/setup", {**GOOD, "username": ""})
    assert b"This field is required" in response.content
    assert not get_user_model().objects.exists()
