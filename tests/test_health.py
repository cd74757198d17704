async def test_healthz_ok(client):
    response = await client.get("/healthz")
    assert response.json() == {"status": "ok"}


async def test_readyz_reaches_database_and_cache(client):
    response = await client.get("/readyz")
    assert response.status_code == 200


async def test_unknown_route_returns_json_error(client):
    response = await client.get("/no-such-route")
    assert response.json()["code"] == "NOT_FOUND"


async def test_request_id_echoed(client):
    response = await client.get("/healthz", headers={"X-Request-Id": "req-12345678"})
    assert response.headers["X-Request-Id"] == "req-12345678"


async def test_route_map_docs_not_served(client):
    response = await client.get("/docs")
    assert response.status_code == 404


async def test_route_map_openapi_not_served(client):
    response = await client.get("/docs/openapi.json")
    assert response.status_code == 404


async def test_bank_api_docs_still_served(client):
    response = await client.get("/bank/v1/openapi.json")
    assert response.status_code == 200
