import pytest

pytestmark = pytest.mark.django_db


def test_the_home_page_is_the_dashboard_with_a_start_for_an_empty_account(user_client):
    response = user_client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Hello, alice" in content
    assert "Add your first purchase" in content


def test_pages_carry_a_strict_content_security_policy(user_client):
    policy = user_client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_unknown_pages_answer_404_in_the_sites_layout(user_client):
    response = user_client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.content
