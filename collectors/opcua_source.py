"""OPC UA source (asyncua): read or subscribe, never write.

Nodes are addressed by namespace URI + browse path, resolved again after every
(re)connect, so a server restart that renumbers its namespaces is harmless.
Connections are (re)opened beside the sampling loop (collectors.reconnect).
The configured security mode is the only one tried: no silent downgrade.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from asyncua import Client, Node, ua
from asyncua.crypto import security_policies, uacrypto
from cryptography import x509

from collectors.backoff import Backoff
from collectors.config import Point
from collectors.reconnect import ConnectFailed, Link
from collectors.source_base import Sample, SourceState

log = logging.getLogger(__name__)
logging.getLogger("asyncua").setLevel(logging.ERROR)
# A server restart makes asyncua's publish loop log a traceback per attempt; the
# source logs its own one-line summary and reports the state in heartbeats.
logging.getLogger("asyncua.client.ua_session").setLevel(logging.CRITICAL)

POLICIES = {
    "Basic256Sha256": security_policies.SecurityPolicyBasic256Sha256,
    "Aes128Sha256RsaOaep": security_policies.SecurityPolicyAes128Sha256RsaOaep,
    "Aes256Sha256RsaPss": security_policies.SecurityPolicyAes256Sha256RsaPss,
}
MODES = {"sign": ua.MessageSecurityMode.Sign,
         "sign_and_encrypt": ua.MessageSecurityMode.SignAndEncrypt}
_FAILURES = (OSError, TimeoutError, asyncio.TimeoutError, ua.UaError, ConnectionError)
_AUTH_CODES = {ua.StatusCodes.BadUserAccessDenied, ua.StatusCodes.BadIdentityTokenInvalid,
               ua.StatusCodes.BadIdentityTokenRejected}


class _Latest:
    """Subscription handler: keeps the newest value per node for the sampler."""

    def __init__(self) -> None:
        self.values: dict[Any, tuple[float | None, str | None]] = {}

    def datachange_notification(self, node: Node, val: Any, data: Any) -> None:
        status = data.monitored_item.Value.StatusCode
        self.values[node.nodeid] = _to_raw(val, status)

    def status_change_notification(self, status: ua.StatusChangeNotification) -> None:
        # The server ended the subscription (e.g. BadShutdown): every cached value is
        # stale from now on and must read as bad, never as the last good value.
        reason = f"opcua_status_{status.Status.name}"
        for key in self.values:
            self.values[key] = (None, reason)


def _to_raw(val: Any, status: ua.StatusCode | None) -> tuple[float | None, str | None]:
    if status is not None and not status.is_good():
        return None, f"opcua_status_{status.name}"
    try:
        return float(val), None
    except (TypeError, ValueError):
        return None, "not_a_number"


class OpcUaSource:
    def __init__(self, cfg: dict):
        self.id = cfg["id"]
        self.cfg = cfg
        self.timeout = float(cfg.get("timeout", 2.0))
        bo = cfg.get("backoff", {})
        self.state = SourceState()
        self.link: Link[Client] = Link(self.id, self._open, _quiet_disconnect,
                                       Backoff(bo.get("initial", 0.5), bo.get("max", 30.0)),
                                       self.state)
        self.nodes: dict[str, Node] = {}
        self._latest: _Latest | None = None
        # One subscription per sampling period, so each group is published at its rate.
        self._subs: dict[float, Any] = {}
        self._subscribed: set[str] = set()
        self._lock = asyncio.Lock()

    @property
    def client(self) -> Client | None:
        return self.link.client

    async def _secure(self, client: Client) -> None:
        sec = self.cfg.get("security", {"mode": "none"})
        if sec["mode"] != "none":
            cert = await uacrypto.load_certificate(sec["certificate"])
            # Servers check that the application URI matches the certificate's.
            client.application_uri = _cert_uri(cert) or client.application_uri
            # With no server certificate given, asyncua looks the endpoint up and
            # raises if this exact policy+mode is not offered: no fallback to None.
            await client.set_security(
                POLICIES[sec["policy"]], sec["certificate"], sec["private_key"],
                server_certificate=sec.get("server_certificate"), mode=MODES[sec["mode"]])
        if "username" in self.cfg:
            client.set_user(self.cfg["username"])
            client.set_password(self.cfg.get("password", ""))

    async def _resolve(self, client: Client, points: list[Point]) -> None:
        indexes: dict[str, int] = {}
        for pt in points:
            if pt.id in self.nodes:
                continue
            uri = pt.namespace_uri or ""
            if uri not in indexes:
                indexes[uri] = await client.get_namespace_index(uri)
            path = [f"{indexes[uri]}:{part}" for part in (pt.node or "").split("/") if part]
            self.nodes[pt.id] = await client.nodes.objects.get_child(path)

    async def _open(self) -> Client:
        client = Client(self.cfg["endpoint"], timeout=self.timeout,
                        watchdog_intervall=min(1.0, self.timeout))
        client.application_uri = "urn:safeatlas:collector"
        try:
            await self._secure(client)
            await asyncio.wait_for(client.connect(), self.timeout * 2)
        except asyncio.CancelledError:
            await _quiet_disconnect(client)
            raise
        except Exception as exc:  # asyncua raises many types on a failed handshake
            await _quiet_disconnect(client)
            raise ConnectFailed(self._connect_error(exc),
                                refused=isinstance(exc, ConnectionRefusedError)) from None
        return client

    def _connect_error(self, exc: Exception) -> str:
        """Name the cause the person on site can act on (security, credentials, link)."""
        sec = self.cfg.get("security", {"mode": "none"})
        if isinstance(exc, ua.UaError) and "No matching endpoints" in str(exc):
            return (f"server offers no endpoint with security {sec.get('policy', 'None')}/"
                    f"{sec['mode']}; refusing to connect with weaker security")
        code = getattr(exc, "code", None)
        if isinstance(exc, ua.UaStatusCodeError) and code in _AUTH_CODES:
            name = ua.StatusCode(code).name
            return f"authentication failed for user {self.cfg.get('username')!r}: {name}"
        return f"connect failed: {exc!r}"

    async def _subscribe(self, client: Client, points: list[Point]) -> None:
        new = [p for p in points if p.id not in self._subscribed]
        if self.cfg.get("mode", "poll") != "subscribe" or not new:
            return
        if self._latest is None:
            self._latest = _Latest()
        period = min(p.period for p in points)
        if period not in self._subs:
            self._subs[period] = await client.create_subscription(period * 1000, self._latest)
        await self._subs[period].subscribe_data_change([self.nodes[p.id] for p in new])
        self._subscribed.update(p.id for p in new)
        # The server sends every item's current value first; wait for it so a fresh
        # subscription does not journal a spurious bad reading.
        ids = [self.nodes[p.id].nodeid for p in new]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._initial_values(ids), self.timeout)

    async def _initial_values(self, ids: list) -> None:
        while any(i not in self._latest.values for i in ids):
            await asyncio.sleep(0.02)

    async def read(self, points: list[Point]) -> list[Sample]:
        async with self._lock:
            client = await self.link.get()
            if client is None:
                return [Sample(p, None, "source_down") for p in points]
            try:
                await asyncio.wait_for(self._resolve(client, points), self.timeout)
                await asyncio.wait_for(self._subscribe(client, points), self.timeout * 2)
                samples = await asyncio.wait_for(self._sample(client, points), self.timeout)
            except _FAILURES as exc:
                log.warning("%s: read failed: %r", self.id, exc)
                self._reset(f"read failed: {exc!r}")
                return [Sample(p, None, "source_down") for p in points]
            self.state.reads_ok += 1
            return samples

    async def _sample(self, client: Client, points: list[Point]) -> list[Sample]:
        if self.cfg.get("mode", "poll") == "subscribe":
            # Subscriptions are silent when the server dies; asyncua's keep-alive
            # probe marks the client disconnected, and this raises then.
            await client.check_connection()
            cached = [self._latest.values.get(self.nodes[p.id].nodeid, (None, "no_value_yet"))
                      for p in points]
            return [Sample(p, raw, err) for p, (raw, err) in zip(points, cached, strict=True)]
        dvs = await client.read_attributes([self.nodes[p.id] for p in points])
        out = []
        for pt, dv in zip(points, dvs, strict=True):
            raw, err = _to_raw(dv.Value.Value if dv.Value else None, dv.StatusCode)
            out.append(Sample(pt, raw, err))
        return out

    def _reset(self, reason: str) -> None:
        # Node ids and subscriptions belong to the session: the next one resolves anew.
        self.nodes, self._latest, self._subs, self._subscribed = {}, None, {}, set()
        self.state.reads_failed += 1
        self.link.lost(reason)

    async def close(self) -> None:
        await self.link.close()


def _cert_uri(cert: Any) -> str | None:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return None
    uris = san.value.get_values_for_type(x509.UniformResourceIdentifier)
    return uris[0] if uris else None


async def _quiet_disconnect(client: Client) -> None:
    # The peer may already be gone; there is nothing left to clean up then.
    with contextlib.suppress(Exception):
        await asyncio.wait_for(client.disconnect(), 1.0)
