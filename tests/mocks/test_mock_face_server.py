import asyncio
import base64
import os
import subprocess
import sys

import httpx
import pytest

from mortgage_cloud.mocks.face_images import face_image_for, other_person_face
from mortgage_cloud.mocks.face_server import config_from_settings
from mortgage_cloud.mocks.testing import free_port

ID_NUMBER = "11010519491231002X"


@pytest.fixture
async def face(mock_face):
    async with httpx.AsyncClient(base_url=mock_face.url, timeout=10) as http:
        yield http


async def _verify(http, image, *, id_number=ID_NUMBER, liveness="NORMAL"):
    config = config_from_settings()
    token = (await http.post("/oauth/2.0/token", params={"grant_type": "client_credentials", "client_id": config.api_key,
                                                         "client_secret": config.secret_key})).json()["access_token"]
    body = {"image": base64.b64encode(image).decode(), "image_type": "BASE64", "id_card_number": id_number,
            "name": "张三", "quality_control": "NORMAL", "liveness_control": liveness}
    return (await http.post("/rest/2.0/face/v3/person/verify", params={"access_token": token}, json=body)).json()


async def test_mock_face_holder_scores_high(face):
    answer = await _verify(face, face_image_for(ID_NUMBER))
    assert answer["error_code"] == 0
    assert answer["result"]["score"] >= 90


async def test_mock_face_other_person_scores_low(face):
    answer = await _verify(face, other_person_face())
    assert answer["result"]["score"] < 40


async def test_mock_face_photo_of_photo_fails_liveness(face):
    answer = await _verify(face, face_image_for(ID_NUMBER, live=False))
    assert answer["error_code"] == 223120


async def test_mock_face_liveness_off_accepts_photo(face):
    answer = await _verify(face, face_image_for(ID_NUMBER, live=False), liveness="NONE")
    assert answer["error_code"] == 0


async def test_mock_face_no_face_in_image(face):
    answer = await _verify(face, b"\x89PNG not really an image")
    assert answer["error_code"] == 222202


async def test_mock_face_wrong_token(face):
    answer = (await face.post("/rest/2.0/face/v3/person/verify", params={"access_token": "forged"}, json={})).json()
    assert answer["error_code"] == 110


async def test_mock_face_wrong_secret_gets_no_token(face):
    config = config_from_settings()
    answer = await face.post("/oauth/2.0/token", params={"grant_type": "client_credentials", "client_id": config.api_key,
                                                         "client_secret": "wrong"})
    assert answer.status_code == 401


async def test_mock_face_injected_rate_limit_then_recovers(face):
    await face.post("/mock/failures", json={"kind": "rate_limit", "count": 1})
    limited = await _verify(face, face_image_for(ID_NUMBER))
    recovered = await _verify(face, face_image_for(ID_NUMBER))
    assert limited["error_code"] == 18
    assert recovered["error_code"] == 0


async def test_mock_face_rejects_unknown_failure_kind(face):
    answer = await face.post("/mock/failures", json={"kind": "meteor"})
    assert answer.status_code == 400


async def test_mock_face_command_serves(tmp_path):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "mortgage_cloud.cli", "mock-face", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ})
    try:
        stats = None
        async with httpx.AsyncClient() as http:
            for _ in range(100):
                try:
                    stats = (await http.get(f"http://127.0.0.1:{port}/mock/stats")).json()
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert stats == {"token_fetches": 0, "verify_calls": 0, "pending_failures": 0}
