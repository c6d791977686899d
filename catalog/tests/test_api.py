"""The retailers and brands API, through Django's test client: every test runs for both."""

import uuid

import pytest
from django.conf import settings
from django.middleware.csrf import CSRF_SECRET_LENGTH
from django.test import Client
from django.utils.crypto import get_random_string

from catalog.models import Brand, Retailer
from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"


class Kind:
    def __init__(self, url, model, factory, purchase_field):
        self.url, self.model, self.factory, self.purchase_field = (
            url, model, factory, purchase_field,
        )  # fmt: skip

    def __repr__(self) -> str:
        return self.url


KINDS = [
    Kind("/api/retailers", Retailer, RetailerFactory, "retailer"),
    Kind("/api/brands", Brand, BrandFactory, "brand"),
]


@pytest.fixture(params=KINDS, ids=["retailers", "brands"])
def kind(request) -> Kind:
    return request.param


def error_fields(response) -> list:
    """The field each 422 problem names: the last part of its `loc`."""
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail
    return [problem["loc"][-1] for problem in detail]


# Listing ---------------------------------------------------------------------------------------


def test_list_is_an_envelope_sorted_by_name_with_purchase_counts(api_client, user, kind):
    zeta = kind.factory(owner=user, name="zeta", url="https://zeta.test")
    alpha = kind.factory(owner=user, name="Alpha")
    kind.factory(owner=user, name="beta")
    PurchaseFactory.create_batch(2, owner=user, **{kind.purchase_field: zeta})

    response = api_client.get(kind.url)

    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["skip"], body["limit"]) == (3, 0, 20)
    assert [item["name"] for item in body["items"]] == ["Alpha", "beta", "zeta"]
    first, last = body["items"][0], body["items"][2]
    assert set(first) == {"id", "name", "url", "purchase_count", "created_at"}
    assert first["id"] == str(alpha.id) and first["purchase_count"] == 0
    assert last == {
        "id": str(zeta.id),
        "name": "zeta",
        "url": "https://zeta.test",
        "purchase_count": 2,
        "created_at": last["created_at"],
    }


def test_list_pages_with_skip_and_limit(api_client, user, kind):
    for number in range(5):
        kind.factory(owner=user, name=f"Entry {number}")

    body = api_client.get(kind.url, {"skip": 1, "limit": 2}).json()

    assert body["total"] == 5 and body["skip"] == 1 and body["limit"] == 2
    assert [item["name"] for item in body["items"]] == ["Entry 1", "Entry 2"]
    assert api_client.get(kind.url, {"skip": 5}).json()["items"] == []


@pytest.mark.parametrize(
    "params, field",
    [({"limit": 101}, "limit"), ({"limit": 0}, "limit"), ({"skip": -1}, "skip")],
)
def test_list_refuses_out_of_range_paging(api_client, kind, params, field):
    response = api_client.get(kind.url, params)
    assert field in error_fields(response)


def test_list_searches_by_name_ignoring_case(api_client, user, kind):
    kind.factory(owner=user, name="Acme Store")
    kind.factory(owner=user, name="Globex")

    body = api_client.get(kind.url, {"search": "ACME"}).json()

    assert body["total"] == 1
    assert [item["name"] for item in body["items"]] == ["Acme Store"]


def test_list_shows_only_your_own(api_client, user, other_user, kind):
    kind.factory(owner=user, name="Mine")
    kind.factory(owner=other_user, name="Theirs")

    body = api_client.get(kind.url).json()

    assert [item["name"] for item in body["items"]] == ["Mine"]
    assert body["total"] == 1


# Creating --------------------------------------------------------------------------------------


def test_create_answers_201_with_the_trimmed_entry(api_client, user, kind):
    response = api_client.post(
        kind.url, {"name": "  Acme  ", "url": "https://acme.test/"}, content_type=JSON
    )

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Acme" and body["url"] == "https://acme.test/"
    assert body["purchase_count"] == 0
    entry = kind.model.objects.get(id=body["id"])
    assert entry.owner == user and entry.name == "Acme"


def test_create_without_url(api_client, kind):
    response = api_client.post(kind.url, {"name": "Plain"}, content_type=JSON)
    assert response.status_code == 201
    assert response.json()["url"] == ""


def test_create_with_an_existing_name_in_another_case_answers_409(api_client, user, kind):
    kind.factory(owner=user, name="Acme")

    response = api_client.post(kind.url, {"name": "ACME"}, content_type=JSON)

    assert response.status_code == 409
    assert "already exists" in response.json()["detail"]
    assert kind.model.objects.filter(owner=user).count() == 1


def test_create_a_name_another_user_has(api_client, user, other_user, kind):
    kind.factory(owner=other_user, name="Acme")
    response = api_client.post(kind.url, {"name": "Acme"}, content_type=JSON)
    assert response.status_code == 201


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": None}, "name"),
        ({"name": 12}, "name"),
        ({"name": "Shop", "url": "ftp://files.test"}, "url"),
        ({"name": "Shop", "url": "not a url"}, "url"),
        ({"name": "Shop", "url": "javascript:alert(1)"}, "url"),
        ({"name": "Shop", "colour": "red"}, "colour"),
    ],
)
def test_create_refuses_invalid_input_naming_the_field(api_client, user, kind, body, field):
    response = api_client.post(kind.url, body, content_type=JSON)

    assert field in error_fields(response)
    assert not kind.model.objects.exists()


@pytest.mark.parametrize("raw", ["{not json", "[]", "null", '"Acme"'])
def test_create_refuses_malformed_bodies_with_422(api_client, kind, raw):
    response = api_client.post(kind.url, raw, content_type=JSON)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


# Reading, updating, deleting -------------------------------------------------------------------


def test_get_one(api_client, user, kind):
    entry = kind.factory(owner=user, name="Acme", url="http://acme.test")
    PurchaseFactory(owner=user, **{kind.purchase_field: entry})

    response = api_client.get(f"{kind.url}/{entry.id}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(entry.id) and body["name"] == "Acme"
    assert body["url"] == "http://acme.test" and body["purchase_count"] == 1


def test_a_missing_or_malformed_id(api_client, kind):
    assert api_client.get(f"{kind.url}/{uuid.uuid4()}").status_code == 404
    assert "entry_id" in error_fields(api_client.get(f"{kind.url}/not-a-uuid"))


def test_patch_renames_and_changes_the_url(api_client, user, kind):
    entry = kind.factory(owner=user, name="Acme", url="https://old.test")

    response = api_client.patch(
        f"{kind.url}/{entry.id}", {"name": " Acme Corp "}, content_type=JSON
    )

    assert response.status_code == 200
    assert response.json()["name"] == "Acme Corp"
    assert response.json()["url"] == "https://old.test"
    response = api_client.patch(
        f"{kind.url}/{entry.id}", {"url": "https://new.test"}, content_type=JSON
    )
    assert response.json()["url"] == "https://new.test"
    assert response.json()["name"] == "Acme Corp"
    response = api_client.patch(f"{kind.url}/{entry.id}", {"url": None}, content_type=JSON)
    assert response.json()["url"] == ""
    entry.refresh_from_db()
    assert (entry.name, entry.url) == ("Acme Corp", "")


def test_patch_changing_only_the_case_of_the_name(api_client, user, kind):
    entry = kind.factory(owner=user, name="acme")
    response = api_client.patch(f"{kind.url}/{entry.id}", {"name": "ACME"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["name"] == "ACME"


def test_patch_to_a_name_in_use_answers_409(api_client, user, kind):
    kind.factory(owner=user, name="Acme")
    entry = kind.factory(owner=user, name="Globex")

    response = api_client.patch(f"{kind.url}/{entry.id}", {"name": "acme"}, content_type=JSON)

    assert response.status_code == 409
    assert "already exists" in response.json()["detail"]
    entry.refresh_from_db()
    assert entry.name == "Globex"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": ""}, "name"),
        ({"name": "  "}, "name"),
        ({"name": None}, "name"),
        ({"name": "y" * 101}, "name"),
        ({"url": "ftp://files.test"}, "url"),
        ({"owner": 1}, "owner"),
    ],
)
def test_patch_refuses_invalid_input_and_changes_nothing(api_client, user, kind, body, field):
    entry = kind.factory(owner=user, name="Acme")

    response = api_client.patch(f"{kind.url}/{entry.id}", body, content_type=JSON)

    assert field in error_fields(response)
    entry.refresh_from_db()
    assert (entry.name, entry.url) == ("Acme", "")


def test_delete_answers_204(api_client, user, kind):
    entry = kind.factory(owner=user)

    response = api_client.delete(f"{kind.url}/{entry.id}")

    assert response.status_code == 204
    assert response.content == b""
    assert not kind.model.objects.filter(id=entry.id).exists()


def test_delete_while_purchases_use_it_answers_409_with_their_count(api_client, user, kind):
    entry = kind.factory(owner=user, name="Acme")
    PurchaseFactory.create_batch(3, owner=user, **{kind.purchase_field: entry})

    response = api_client.delete(f"{kind.url}/{entry.id}")

    assert response.status_code == 409
    detail = response.json()["detail"]
    assert isinstance(detail, str) and "3 purchases" in detail
    assert kind.model.objects.filter(id=entry.id).exists()
    assert Purchase.objects.filter(**{kind.purchase_field: entry}).count() == 3


# Merging ---------------------------------------------------------------------------------------


def test_merge_moves_the_purchases_and_answers_the_survivor(api_client, user, kind):
    source = kind.factory(owner=user, name="Amazon.com")
    target = kind.factory(owner=user, name="Amazon")
    PurchaseFactory.create_batch(2, owner=user, **{kind.purchase_field: source})
    PurchaseFactory(owner=user, **{kind.purchase_field: target})

    response = api_client.post(
        f"{kind.url}/{source.id}/merge", {"into": str(target.id)}, content_type=JSON
    )

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(target.id) and body["name"] == "Amazon"
    assert body["purchase_count"] == 3
    assert not kind.model.objects.filter(id=source.id).exists()
    assert Purchase.objects.filter(**{kind.purchase_field: target}).count() == 3


@pytest.mark.parametrize("body", [{}, {"into": "not-a-uuid"}, {"into": None}])
def test_merge_refuses_a_missing_or_malformed_target(api_client, user, kind, body):
    source = kind.factory(owner=user)
    response = api_client.post(f"{kind.url}/{source.id}/merge", body, content_type=JSON)
    assert "into" in error_fields(response)


def test_merge_into_itself_answers_422(api_client, user, kind):
    entry = kind.factory(owner=user)

    response = api_client.post(
        f"{kind.url}/{entry.id}/merge", {"into": str(entry.id)}, content_type=JSON
    )

    assert "into" in error_fields(response)
    assert kind.model.objects.filter(id=entry.id).exists()


def test_merge_unknown_fields_answer_422(api_client, user, kind):
    source, target = kind.factory(owner=user), kind.factory(owner=user)
    response = api_client.post(
        f"{kind.url}/{source.id}/merge",
        {"into": str(target.id), "delete": False},
        content_type=JSON,
    )
    assert "delete" in error_fields(response)


# Another user's entries, anonymous callers -----------------------------------------------------


def test_another_users_entry_answers_404_everywhere(api_client, user, other_user, kind):
    theirs = kind.factory(owner=other_user, name="Theirs")
    PurchaseFactory(owner=other_user, **{kind.purchase_field: theirs})
    mine = kind.factory(owner=user, name="Mine")
    url = f"{kind.url}/{theirs.id}"

    assert api_client.get(url).status_code == 404
    assert api_client.patch(url, {"name": "Stolen"}, content_type=JSON).status_code == 404
    assert api_client.delete(url).status_code == 404
    merge_away = api_client.post(f"{url}/merge", {"into": str(mine.id)}, content_type=JSON)
    assert merge_away.status_code == 404
    merge_into = api_client.post(
        f"{kind.url}/{mine.id}/merge", {"into": str(theirs.id)}, content_type=JSON
    )
    assert merge_into.status_code == 404
    # Nothing of theirs changed, and the answers do not reveal that it exists.
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"
    assert kind.model.objects.filter(id=mine.id).exists()
    assert api_client.get(url).json() == api_client.get(f"{kind.url}/{uuid.uuid4()}").json()


def test_anonymous_callers_get_401(client, user, kind):
    entry = kind.factory(owner=user)
    url = f"{kind.url}/{entry.id}"

    answers = [
        client.get(kind.url),
        client.post(kind.url, {"name": "Acme"}, content_type=JSON),
        client.get(url),
        client.patch(url, {"name": "Acme"}, content_type=JSON),
        client.delete(url),
        client.post(f"{url}/merge", {"into": str(entry.id)}, content_type=JSON),
    ]

    assert [answer.status_code for answer in answers] == [401] * 6
    assert all(isinstance(answer.json()["detail"], str) for answer in answers)
    assert kind.model.objects.filter(id=entry.id).exists()


def test_a_wrong_bearer_token_answers_401(user, kind):
    client = Client(headers={"Authorization": "Bearer spt_not-a-real-token"})
    assert client.get(kind.url).status_code == 401


def test_an_unsafe_request_without_any_credentials_answers_401_not_a_csrf_failure(user, kind):
    # A script that forgot its token is told it has no credentials; CSRF only guards sessions.
    client = Client(enforce_csrf_checks=True)
    for response in (
        client.post(kind.url, {"name": "Globex"}, content_type=JSON),
        client.post("/api/import/csv", {}),
        Client(enforce_csrf_checks=True, headers={"Authorization": "Bearer spt_wrong"}).post(
            kind.url, {"name": "Globex"}, content_type=JSON
        ),
    ):
        assert response.status_code == 401
        assert "Authentication required" in response.json()["detail"]
    assert not kind.model.objects.exists()


# The browser session ---------------------------------------------------------------------------


def test_the_session_works_and_unsafe_methods_need_the_csrf_token(user, kind):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    entry = kind.factory(owner=user, name="Acme")

    assert client.get(kind.url).status_code == 200
    assert client.get(f"{kind.url}/{entry.id}").status_code == 200
    refused = [
        client.post(kind.url, {"name": "Globex"}, content_type=JSON),
        client.patch(f"{kind.url}/{entry.id}", {"name": "X"}, content_type=JSON),
        client.delete(f"{kind.url}/{entry.id}"),
    ]
    assert [answer.status_code for answer in refused] == [403] * 3
    assert kind.model.objects.filter(owner=user).count() == 1

    # With the CSRF cookie and the same token in the header, as the pages send it, it works.
    token = get_random_string(CSRF_SECRET_LENGTH)
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    response = client.post(
        kind.url, {"name": "Globex"}, content_type=JSON, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201


def test_the_openapi_schema_documents_the_error_answers(user_client, kind):
    schema = user_client.get("/api/openapi.json").json()
    path = f"{kind.url}/{{entry_id}}"
    operations = schema["paths"][path]
    assert set(operations["delete"]["responses"]) >= {"204", "401", "404", "409"}
    assert set(operations["patch"]["responses"]) >= {"200", "401", "404", "409", "422"}
    assert set(schema["paths"][kind.url]["post"]["responses"]) >= {"201", "409", "422"}
