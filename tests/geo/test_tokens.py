from django.test import Client

from geo.models import ApiToken


def test_token_is_stored_hashed(world):
    key = world.tokens["county_a"]
    token = ApiToken.objects.get(user=world.users["county_a"])
    assert token.prefix == key[:8]
    assert key not in token.digest


def test_bad_token_is_401(world):
    response = Client().get("/layers/", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401
    assert Client().get("/layers/?token=nope").status_code == 401


def test_token_in_header_and_query_authenticate(world):
    key = world.tokens["county_a"]
    for response in (Client().get("/layers/", HTTP_AUTHORIZATION=f"Token {key}"),
                     Client().get(f"/layers/?token={key}")):
        assert response.status_code == 200
        counts = {row["layer"].id: row["count"] for row in response.context["layers"]}
        assert counts["enterprises"] == 5


def test_token_page_creates_a_token(world):
    client = Client()
    client.force_login(world.users["analyst"])
    response = client.post("/accounts/tokens/", {"name": "QGIS"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert ApiToken.objects.filter(user=world.users["analyst"], name="QGIS").count() == 1
    assert Client().get("/layers/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
