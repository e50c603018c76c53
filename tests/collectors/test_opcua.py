"""OPC UA against a real asyncua server on loopback: subscriptions, security, users.

The servers run in their own thread and event loop, like a separate PLC/DCS; the
source under test runs in the test's loop, exactly as in the agent.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from asyncua import Server, ua
from asyncua.crypto import cert_gen
from asyncua.crypto.permission_rules import User, UserRole
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

from collectors.agent import build_source
from collectors.config import Point, parse
from collectors.journal import Journal
from collectors.opcua_source import OpcUaSource
from collectors.sampler import Sampler, to_record
from tests.collectors.conftest import free_port

NS = "urn:safeatlas:test"
USER, PASSWORD = "collector", "s3cret-pw"
SECURE = [ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt]
PLAIN = [ua.SecurityPolicyType.NoSecurity]


def make_cert(directory: Path, name: str, uri: str, use: x509.ObjectIdentifier) -> None:
    """A self-signed application certificate (DER) and key (PEM), as OPC UA wants them."""
    key = cert_gen.generate_private_key()
    cert = cert_gen.generate_self_signed_app_certificate(
        key, name, {}, [x509.UniformResourceIdentifier(uri), x509.DNSName("localhost")], [use])
    (directory / f"{name}.der").write_bytes(cert.public_bytes(Encoding.DER))
    (directory / f"{name}.pem").write_bytes(cert_gen.dump_private_key_as_pem(key))


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("pki")
    make_cert(directory, "server", "urn:safeatlas:test-server", ExtendedKeyUsageOID.SERVER_AUTH)
    make_cert(directory, "client", "urn:safeatlas:collector", ExtendedKeyUsageOID.CLIENT_AUTH)
    return directory


class Users:
    """Accepts one user (or anyone when open); records every session activation."""

    def __init__(self, open_access: bool = False):
        self.open_access = open_access
        self.activations: list[str | None] = []

    def get_user(self, iserver, username=None, password=None, certificate=None) -> User | None:
        self.activations.append(username)
        if self.open_access or (username, password) == (USER, PASSWORD):
            return User(role=UserRole.User)
        return None


class UaServer:
    """A real asyncua server with one variable, Objects/Tank/Level, in its own thread."""

    def __init__(self, policies: list, users: Users, certs: Path | None = None):
        self.policies, self.users, self.certs = policies, users, certs
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.server: Server | None = None
        self.var = None

    @property
    def endpoint(self) -> str:
        return f"opc.tcp://127.0.0.1:{self.port}/test/"

    def call(self, coro, timeout: float = 30):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _start(self, value: float) -> None:
        srv = Server(user_manager=self.users)
        await srv.init()
        srv.set_endpoint(self.endpoint)
        srv.set_security_policy(self.policies)
        if self.certs:
            await srv.load_certificate(str(self.certs / "server.der"))
            await srv.load_private_key(str(self.certs / "server.pem"))
        if not self.users.open_access:
            srv.set_identity_tokens([ua.UserNameIdentityToken])
        idx = await srv.register_namespace(NS)
        tank = await srv.nodes.objects.add_object(idx, "Tank")
        self.var = await tank.add_variable(idx, "Level", value)
        await srv.start()
        self.server = srv

    def start(self, value: float = 1.0) -> UaServer:
        self.call(self._start(value))
        return self

    def write(self, value: float) -> None:
        self.call(self.var.write_value(value))

    def stop(self) -> None:
        if self.server is not None:
            self.call(self.server.stop())
            self.server = None

    def close(self) -> None:
        self.stop()
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture(scope="module")
def secure_server(certs):
    """Offers only Basic256Sha256 SignAndEncrypt and requires a username."""
    srv = UaServer(SECURE, Users(), certs).start()
    yield srv
    srv.close()


def level(period: float = 0.1, pid: str = "T-1.level") -> Point:
    return Point(id=pid, source="dcs", period=period, node="Tank/Level", namespace_uri=NS,
                 unit="m")


def source_cfg(endpoint: str, **extra) -> dict:
    return {"id": "dcs", "type": "opcua", "endpoint": endpoint, "timeout": 1.0,
            "backoff": {"initial": 0.05, "max": 0.2}, **extra}


def security(certs: Path, mode: str = "sign_and_encrypt") -> dict:
    return {"mode": mode, "policy": "Basic256Sha256",
            "certificate": str(certs / "client.der"), "private_key": str(certs / "client.pem")}


async def read_until(src: OpcUaSource, pred, timeout: float = 10.0, what: str = "sample"):
    """Read at the sampling period until a sample satisfies `pred`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sample = (await src.read([level()]))[0]
        if pred(sample):
            return sample
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; last {sample}, {src.state}")


def test_subscription_delivers_changes_and_resubscribes_after_server_restart():
    srv = UaServer(PLAIN, Users(open_access=True)).start(1.0)

    async def scenario() -> None:
        src = OpcUaSource(source_cfg(srv.endpoint, mode="subscribe"))
        first = (await src.read([level()]))[0]
        assert (first.raw, first.error) == (1.0, None)  # initial value, no "no_value_yet"
        for value in (2.5, 3.5):  # cached values come only from data-change notifications
            await asyncio.to_thread(srv.write, value)
            await read_until(src, lambda s, v=value: s.raw == v, what=f"change to {value}")
        # A second sampling group (another period) on the same source gets its own items.
        slow = (await src.read([level(0.5, "T-1.level.slow")]))[0]
        assert (slow.raw, slow.error) == (3.5, None)
        await asyncio.to_thread(srv.stop)
        down = await read_until(src, lambda s: s.raw is None, what="bad after server stop")
        assert down.error == "source_down" and not src.state.connected
        await asyncio.to_thread(srv.start, 7.0)  # a new server process: new subscription
        await read_until(src, lambda s: s.raw == 7.0, 20, what="value after restart")
        await asyncio.to_thread(srv.write, 8.0)
        await read_until(src, lambda s: s.raw == 8.0, what="change after re-subscribe")
        assert src.state.connected and src.state.reads_failed >= 1
        await src.close()

    try:
        asyncio.run(scenario())
    finally:
        srv.close()


def test_sign_and_encrypt_with_client_certificate_and_password(secure_server, certs, tmp_path):
    # Through the config, as on site: relative certificate paths resolve against it.
    for name in ("client.der", "client.pem"):
        (tmp_path / name).write_bytes((certs / name).read_bytes())
    text = f"""
agent: {{gateway_id: gw, journal: j.db}}
sources:
  - {{id: dcs, type: opcua, endpoint: "{secure_server.endpoint}", mode: subscribe,
     username: {USER}, password: {PASSWORD}, timeout: 1.0,
     security: {{mode: sign_and_encrypt, policy: Basic256Sha256,
                certificate: client.der, private_key: client.pem}}}}
points: [{{id: T-1.level, source: dcs, node: Tank/Level, namespace_uri: "{NS}", period: 0.1}}]
uplinks: [{{id: u, type: https, url: "http://127.0.0.1:9/", hmac_key: "{'11' * 32}"}}]
"""
    cfg = parse(text, "agent.yaml", tmp_path / "agent.yaml")
    secure_server.write(4.25)

    async def scenario() -> None:
        src = build_source(cfg.sources["dcs"], cfg)
        sample = (await src.read(cfg.points))[0]
        assert (sample.raw, sample.error) == (4.25, None), src.state.last_error
        policy = src.client.security_policy
        assert policy.URI.endswith("#Basic256Sha256")
        assert policy.Mode == ua.MessageSecurityMode.SignAndEncrypt
        await src.close()

    asyncio.run(scenario())
    assert USER in secure_server.users.activations


def test_bad_password_is_a_clear_error_and_quality_bad(secure_server, certs, tmp_path):
    src = OpcUaSource(source_cfg(secure_server.endpoint, security=security(certs),
                                 username=USER, password="wrong"))
    journal = Journal(tmp_path / "j.db", 1000, ["u"])
    sampler = Sampler(src, [level()], 0.1, journal, lambda: None, lambda name: None)
    asyncio.run(sampler.tick())
    status, reading = journal.fetch("u", 10)
    journal.close()
    assert (status.kind, status.quality) == ("device_status", "down")
    assert status.reason == f"authentication failed for user {USER!r}: BadUserAccessDenied"
    assert (reading.quality, reading.value, reading.reason) == ("bad", None, "source_down")


@pytest.fixture(scope="module")
def plain_server():
    """Offers only SecurityPolicy None, to anyone."""
    srv = UaServer(PLAIN, Users(open_access=True)).start()
    yield srv
    srv.close()


@pytest.mark.parametrize("server, mode", [("plain_server", "sign_and_encrypt"),
                                          ("secure_server", "sign")])
def test_security_not_offered_is_an_error_never_a_downgrade(request, certs, server, mode):
    srv = request.getfixturevalue(server)
    before = len(srv.users.activations)
    src = OpcUaSource(source_cfg(srv.endpoint, security=security(certs, mode),
                                 username=USER, password=PASSWORD))
    async def reads() -> list:
        samples = []
        for _ in range(3):  # retries after backoff (in the background) do not fall back either
            samples += await src.read([level()])
            await asyncio.sleep(0.25)
        await src.close()
        return samples

    assert {to_record(s, 0.0).quality for s in asyncio.run(reads())} == {"bad"}
    assert src.state.last_error == (f"server offers no endpoint with security Basic256Sha256/"
                                    f"{mode}; refusing to connect with weaker security")
    assert not src.state.connected and src.client is None
    assert len(srv.users.activations) == before  # no session was ever activated
