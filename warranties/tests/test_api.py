import datetime
import json

import pytest

from accounts.selectors import today_for
from warranties.models import Warranty, WarrantyType
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

URL = "/api/warranties"
DAY = datetime.timedelta(days=1)


def put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def warranties(user):
    today = today_for(user)

    def make(name, end, **fields):
        return WarrantyFactory(
            purchase__owner=user, purchase__product_name=name,
            purchase__purchase_date=today - 800 * DAY, warranty_end=end, **fields,
        )  # fmt: skip

    return {
        "expired": make("Old Phone", today - DAY),
        "soon": make("Laptop", today + 5 * DAY),
        "later": make("Fridge", today + 300 * DAY, warranty_type=WarrantyType.EXTENDED),
        "voided": make("Drone", today + 50 * DAY, voided=True),
        "lifetime": make("Knife", None, warranty_type=WarrantyType.LIFETIME),
    }


def names(response) -> list[str]:
    return [item["product_name"] for item in response.json()["items"]]


def test_list_is_sorted_by_end_with_lifetime_last(api_client, warranties):
    response = api_client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Old Phone", "Laptop", "Drone", "Fridge", "Knife"]
    first = response.json()["items"][0]
    assert (first["status"], first["days_remaining"]) == ("EXPIRED", -1)
    assert response.json()["items"][-1]["days_remaining"] is None


def test_filters(api_client, warranties):
    assert names(api_client.get(URL, {"status": "ACTIVE"})) == ["Laptop", "Fridge", "Knife"]
    assert names(api_client.get(URL, {"status": "VOIDED"})) == ["Drone"]
    assert names(api_client.get(URL, {"status": "EXPIRED"})) == ["Old Phone"]
    assert names(api_client.get(URL, {"expiring_soon": "true"})) == ["Laptop"]
    assert names(api_client.get(URL, {"warranty_type": "EXTENDED"})) == ["Fridge"]
    purchase_id = warranties["soon"].purchase_id
    assert names(api_client.get(URL, {"purchase_id": purchase_id})) == ["Laptop"]
    assert api_client.get(URL, {"status": "EXPIRING"}).status_code == 422


def test_expiring_takes_a_window_in_days(api_client, warranties):
    assert names(api_client.get(f"{URL}/expiring")) == ["Laptop"]
    assert names(api_client.get(f"{URL}/expiring", {"days": 300})) == ["Laptop", "Fridge"]
    assert names(api_client.get(f"{URL}/expiring", {"days": 4})) == []
    for days in (0, 3651, "x"):
        assert api_client.get(f"{URL}/expiring", {"days": days}).status_code == 422


def test_void_unvoid_and_update(api_client, warranties):
    url = f"{URL}/{warranties['soon'].id}"
    response = put(api_client, url, {"status": "VOIDED"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["voided"]) == ("VOIDED", True)
    assert put(api_client, url, {"status": "ACTIVE"}).json()["voided"] is False
    assert put(api_client, url, {"voided": True}).json()["status"] == "VOIDED"
    response = put(api_client, url, {"status": "EXPIRED"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "status"
    response = put(api_client, url, {"provider": "Geek Squad", "duration_months": 36})
    body = response.json()
    assert body["provider"] == "Geek Squad" and body["warranty_type"] == "MANUFACTURER"
    start = datetime.date.fromisoformat(body["warranty_start"])
    assert body["warranty_end"] == start.replace(year=start.year + 3).isoformat()
    response = put(api_client, url, {"warranty_end": "2000-01-01"})
    assert response.status_code == 422
    assert put(api_client, url, {"unknown": 1}).status_code == 422


def test_get_and_delete(api_client, warranties):
    url = f"{URL}/{warranties['later'].id}"
    body = api_client.get(url).json()
    assert body["product_name"] == "Fridge" and body["status"] == "ACTIVE"
    assert api_client.delete(url).status_code == 204
    assert api_client.get(url).status_code == 404
    assert Warranty.objects.count() == 4


def test_another_users_warranty_answers_404(other_api_client, warranties):
    url = f"{URL}/{warranties['soon'].id}"
    assert other_api_client.get(url).status_code == 404
    assert put(other_api_client, url, {"status": "VOIDED"}).status_code == 404
    assert other_api_client.delete(url).status_code == 404
    assert other_api_client.get(URL).json()["total"] == 0
    assert other_api_client.get(f"{URL}/expiring", {"days": 3650}).json()["total"] == 0
    assert Warranty.objects.get(id=warranties["soon"].id).voided is False


def test_anonymous_answers_401(client, db):
    assert client.get(URL).status_code == 401
    assert client.get(f"{URL}/expiring").status_code == 401
