"""Upstream tests: county A's gateway and alarm places (the alarm tests' fixtures), a
loopback province and its platform row."""

from __future__ import annotations

import pytest

from monitoring.upstream.models import Platform
from tests.monitoring.alarms.conftest import places  # noqa: F401  (county A's park and users)
from tests.monitoring.ingest.conftest import gateway  # noqa: F401  (county A's devices)
from tests.monitoring.upstream.peer import HttpPeer, TcpPeer

AES_KEY = bytes.fromhex("11" * 32)
SM4_KEY = bytes.fromhex("22" * 16)

TABLES = {
    "readings_minute": {"name": "t_monitor_minute", "fields": {
        "id": "DATA_ID", "sensor": "POINT_CODE", "enterprise": "CREDIT_CODE",
        "minute": "COLLECT_TIME", "mean": "AVG_VALUE", "count": "SAMPLE_NUM"}},
    "alarms": {"name": "t_alarm", "fields": {
        "id": "DATA_ID", "alarm": "ALARM_ID", "event": "EVENT", "level": "ALARM_LEVEL",
        "sensor": "POINT_CODE", "at": "EVENT_TIME"}},
    "warnings": {"name": "t_warning", "fields": {
        "id": "DATA_ID", "warning": "WARN_ID", "event": "EVENT", "level": "WARN_LEVEL"}},
}


def platform_make(peer, *, kind: str = "tcp", alg: str = "aes-256-gcm", area: str = "32",
                  **extra) -> Platform:
    key = AES_KEY if alg == "aes-256-gcm" else SM4_KEY
    return Platform.objects.create(
        code=f"p-{kind}-{alg}", name="测试省平台", area=area, kind=kind, endpoint=peer.endpoint,
        sender="SAFEATLAS-01", encryption=alg, key=key.hex(), timeout=2.0,
        **{"tables": TABLES, **extra})


@pytest.fixture
def tcp_peer():
    peer = TcpPeer(AES_KEY, "aes-256-gcm")
    peer.start()
    yield peer
    if peer.server.socket.fileno() != -1:
        peer.stop()


@pytest.fixture
def sm4_peer():
    peer = TcpPeer(SM4_KEY, "sm4-cbc", delimiter=b"\r\n")
    peer.start()
    yield peer
    peer.stop()


@pytest.fixture
def http_peer():
    peer = HttpPeer(AES_KEY, "aes-256-gcm")
    peer.start()
    yield peer
    peer.stop()
