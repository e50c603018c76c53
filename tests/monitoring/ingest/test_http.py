"""The HTTPS side of the ingest: the agent's own HTTP uplink posts signed (and encrypted)
batches to a live server; 2xx only after commit; replays refused by any worker, since the
nonces are in the database; bad signatures, bad bodies and oversize bodies answered as the
protocol's §5 says."""

from __future__ import annotations

import json
import os
import time

import pytest

from collectors.protocol import H_NONCE, H_SERVER_TIME, Cipher, batch_body, dumps, encrypt, sign
from collectors.transport_errors import PermanentError, TooLarge, TransientError
from collectors.uplink_http import HttpTransport
from geo.models import SecurityEvent
from monitoring.devices.models import Gateway, Sensor
from monitoring.ingest import views
from monitoring.ingest.keys import Keys
from monitoring.ingest.models import Reading, SeenNonce
from monitoring.ingest.services import message_store

URL = "/ingest/v1/batches"
BASE_MS = int(time.time() * 1000)


def _batch(first: int, n: int = 5, value: float = 5.0) -> bytes:
    records = [{"seq": s, "kind": "reading", "point": "T-1.level", "ts": BASE_MS + s,
                "value": value, "quality": "good", "unit": "m", "reason": ""}
               for s in range(first, first + n)]
    return dumps(batch_body("gw-a", records, 0, agent_version="test"))


@pytest.fixture(autouse=True)
def _fresh_keys(monkeypatch):
    monkeypatch.setattr(views, "_keys", Keys())


def _post(client, key: bytes, body: bytes, headers: dict | None = None):
    headers = headers or sign(key, body, "gw-a")
    return client.post(URL, body, content_type="application/json",
                       headers={**headers, "X-SafeAtlas-Kind": "batch"})


@pytest.mark.parametrize("alg, size", [(None, 0), ("aes-256-gcm", 32), ("sm4-cbc", 16)])
@pytest.mark.django_db(transaction=True)
def test_agent_uplink_posts_batches_plain_and_encrypted(gateway, live_server, alg, size):
    cipher = None
    if alg:
        cipher = Cipher(alg, os.urandom(size))
        Gateway.objects.filter(code="gw-a").update(enc_key=cipher.key.hex())
    link = HttpTransport(live_server.url + URL, "gw-a", bytes.fromhex(gateway.hmac_key))
    try:
        link.send("batch", encrypt(_batch(1, value=17.0), "gw-a", cipher))
        link.send("batch", encrypt(_batch(1, value=17.0), "gw-a", cipher))  # resent: no-op
        link.send("heartbeat", encrypt(dumps({"v": 1, "kind": "heartbeat", "gateway": "gw-a"}),
                                       "gw-a", cipher))
    finally:
        link.close()
    assert sorted(Reading.objects.values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    sensor = Sensor.objects.get(point="T-1.level")
    assert (sensor.last_value, sensor.alarm_state) == (17.0, "high")
    assert Gateway.objects.get(code="gw-a").online


def test_answer_after_commit_with_the_server_clock(client, gateway):
    response = _post(client, bytes.fromhex(gateway.hmac_key), _batch(1))
    assert response.status_code == 200, response.content
    assert response.json() == {"ok": True, "acked_seq": 5}
    assert abs(int(response[H_SERVER_TIME]) - time.time()) < 5
    assert Reading.objects.count() == 5


def test_a_replay_is_refused_by_any_worker(client, gateway, monkeypatch):
    key, body = bytes.fromhex(gateway.hmac_key), _batch(1)
    headers = sign(key, body, "gw-a")
    assert _post(client, key, body, headers).status_code == 200
    monkeypatch.setattr(views, "_keys", Keys())  # another worker: nothing in its memory
    replay = _post(client, key, body, headers)
    assert (replay.status_code, replay.json()["reason"]) == (409, "replayed_nonce")
    assert SeenNonce.objects.filter(nonce=headers[H_NONCE]).count() == 1
    assert Reading.objects.count() == 5


def test_a_nonce_is_kept_only_with_what_it_stored(gateway):
    """A message whose transaction fails leaves no nonce, so it can come again (MQTT
    redelivers the same bytes)."""
    doc = json.loads(_batch(1))
    doc["records"][0]["seq"] = "not a number"
    with pytest.raises((TypeError, ValueError)):
        message_store(doc, "ab" * 16)
    assert not SeenNonce.objects.exists()
    message_store(json.loads(_batch(1)), "ab" * 16)
    assert SeenNonce.objects.count() == 1 and Reading.objects.count() == 5


def test_refusals(client, gateway):
    key = bytes.fromhex(gateway.hmac_key)
    assert _post(client, b"x" * 32, _batch(1)).status_code == 401
    body = _batch(1)  # once: a batch carries its sending time
    stale = sign(key, body, "gw-a", now=time.time() - 3600)
    assert _post(client, key, body, stale).status_code == 401
    odd = dumps({"v": 1, "kind": "nonsense", "gateway": "gw-a"})
    assert _post(client, key, odd).json()["reason"] == "unknown_kind"
    assert _post(client, key, b"{not json").status_code == 400
    assert client.get(URL).status_code == 405
    assert Reading.objects.count() == 0
    reasons = list(SecurityEvent.objects.filter(kind="ingest_refused")
                   .values_list("detail__reason", flat=True))
    assert reasons.count("bad_signature") == 1 and "stale_timestamp" in reasons


@pytest.mark.django_db(transaction=True)
def test_status_codes_reach_the_agent_as_the_protocol_says(gateway, live_server):
    key = bytes.fromhex(gateway.hmac_key)
    link = HttpTransport(live_server.url + URL, "gw-a", key)
    try:
        with pytest.raises(TooLarge):
            link.send("batch", b" " * (views.MAX_BODY + 1))
        with pytest.raises(PermanentError):
            link.send("batch", dumps({"v": 1, "kind": "nonsense", "gateway": "gw-a"}))
        wrong = HttpTransport(live_server.url + URL, "gw-a", b"y" * 32)
        with pytest.raises(TransientError):  # 401: a credential problem, retried
            wrong.send("batch", _batch(1))
        wrong.close()
    finally:
        link.close()
