"""The agent: sources -> samplers -> journal -> forwarders, plus heartbeat and watchdog."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections import defaultdict

from collectors import __version__, protocol
from collectors.backoff import Backoff
from collectors.config import Config
from collectors.forwarder import Forwarder
from collectors.journal import Journal
from collectors.modbus_source import ModbusSource
from collectors.sampler import Sampler
from collectors.source_base import Source
from collectors.uplink_http import HttpTransport, tls_context
from collectors.uplink_mqtt import MqttTransport
from collectors.watchdog import Watchdog, restart_self, sd_notify

# Security files of an OPC UA source, resolved like every other path in the config.
_SOURCE_FILES = ("certificate", "private_key", "server_certificate")

log = logging.getLogger(__name__)


def build_source(scfg: dict, cfg: Config | None = None) -> Source:
    """A source from its config section; file paths resolve against the config's directory."""
    if scfg["type"] == "opcua":
        # asyncua takes ~2 s to import on a small box; Modbus-only sites skip it.
        from collectors.opcua_source import OpcUaSource

        sec = dict(scfg.get("security", {}))
        if cfg is not None:
            sec.update({k: str(cfg.resolve(sec[k])) for k in _SOURCE_FILES if k in sec})
        return OpcUaSource({**scfg, "security": sec} if sec else scfg)
    return ModbusSource(scfg)


def _tls(cfg: Config, up: dict):
    if not any(k in up for k in ("ca_file", "cert_file", "key_file")):
        return None
    opt = {k: str(cfg.resolve(up[k])) if k in up else None
           for k in ("ca_file", "cert_file", "key_file")}
    return tls_context(opt["ca_file"], opt["cert_file"], opt["key_file"])


def _key(cfg: Config, up: dict, inline: str, file: str) -> bytes | None:
    if inline not in up and file not in up:
        return None
    return protocol.read_key(up.get(inline), str(cfg.resolve(up[file])) if file in up else None)


def build_transport(cfg: Config, up: dict):
    timeout = float(up.get("timeout", 10.0))
    hmac_key = _key(cfg, up, "hmac_key", "hmac_key_file")
    if up["type"] == "https":
        return HttpTransport(up["url"], cfg.gateway_id, hmac_key or b"", timeout, _tls(cfg, up))
    return MqttTransport(up["url"], cfg.gateway_id, up.get("topic_prefix", "safeatlas"),
                         up.get("client_id", f"{cfg.gateway_id}-{up['id']}"), hmac_key,
                         timeout, _tls(cfg, up), up.get("username"), up.get("password"),
                         up.get("ack", "platform"), float(up.get("ack_timeout", 30.0)))


def build_cipher(cfg: Config, up: dict) -> protocol.Cipher | None:
    enc = up.get("encryption")
    if not enc:
        return None
    key = _key(cfg, enc, "key", "key_file") or b""
    want = 32 if enc["alg"] == "aes-256-gcm" else 16
    if len(key) != want:
        raise ValueError(f"uplink {up['id']}: {enc['alg']} needs a {want}-byte key")
    return protocol.Cipher(enc["alg"], key, enc.get("kid", "k1"))


class Agent:
    """One running config. A journal passed in outlives the agent (remote config swaps);
    `config_state` is the runner's remote-config report, shown in heartbeats."""

    def __init__(self, cfg: Config, watchdog: Watchdog | None = None,
                 journal: Journal | None = None, config_state: dict | None = None):
        self.cfg = cfg
        self.started = time.monotonic()
        self.watchdog = watchdog or Watchdog(
            watchdog_timeout(cfg), lambda name: restart_self(f"stalled loop {name}"))
        self.journal: Journal | None = journal
        self._owns_journal = journal is None
        self.config_state = config_state if config_state is not None else {}
        self.sources: dict[str, Source] = {}
        self.forwarders: list[Forwarder] = []
        self.tasks: list[asyncio.Task] = []

    def _notify(self) -> None:
        for fwd in self.forwarders:
            fwd.wake.set()

    def _build(self) -> list[Sampler]:
        cfg = self.cfg
        if self.journal is None:
            self.journal = Journal(cfg.journal, cfg.journal_max_records,
                                   cfg.uplink_ids)
        self.sources = {sid: build_source(s, cfg) for sid, s in cfg.sources.items()}
        for up in cfg.uplinks:
            bo = up.get("backoff", {})
            self.forwarders.append(Forwarder(
                up["id"], build_transport(cfg, up), self.journal, cfg.gateway_id,
                cipher=build_cipher(cfg, up), batch_max=up.get("batch_max", 1000),
                max_rejections=up.get("max_rejections", 3),
                heartbeat_interval=cfg.heartbeat_interval, heartbeat=self.heartbeat,
                beat=self.watchdog.beat,
                backoff=Backoff(bo.get("initial", 0.2), bo.get("max", 15.0))))
        groups: dict[tuple[str, float], list] = defaultdict(list)
        for pt in cfg.points:
            groups[(pt.source, pt.period)].append(pt)
        return [Sampler(self.sources[sid], pts, period, self.journal, self._notify,
                        self.watchdog.beat) for (sid, period), pts in groups.items()]

    async def start(self) -> None:
        """Open the journal and start every loop; raises if the config cannot run."""
        samplers = self._build()
        # Every loop is on the watchdog's list from the start: one that hangs in its
        # very first iteration must be caught too.
        for name in [s.name for s in samplers] + [f.name for f in self.forwarders]:
            self.watchdog.beat(name)
        self.tasks = [asyncio.create_task(s.run(), name=s.name) for s in samplers]
        self.tasks += [asyncio.create_task(f.run(), name=f.name) for f in self.forwarders]
        self.tasks.append(asyncio.create_task(self._status_loop(), name="status"))
        self.tasks.append(asyncio.create_task(self.watchdog.run(), name="watchdog"))
        sd_notify("READY=1")
        log.info("agent %s started: %d points, %d sources, %d uplinks", self.cfg.gateway_id,
                 len(self.cfg.points), len(self.sources), len(self.forwarders))

    def failed_task(self) -> BaseException | None:
        """The exception of a loop that died, if any (a crashed loop is a failed start)."""
        for task in self.tasks:
            if task.done() and not task.cancelled() and task.exception():
                return task.exception()
        return None

    def heartbeat(self) -> dict:
        stats = self.journal.stats() if self.journal else {}
        return {
            "v": protocol.PROTOCOL_VERSION, "kind": "heartbeat", "gateway": self.cfg.gateway_id,
            "agent_version": __version__, "config_version": self.cfg.version,
            "config_error": self.config_state.get("error"),
            "sent_at": int(time.time() * 1000), "uptime_s": round(time.monotonic() - self.started),
            "journal": stats,
            "sources": {sid: {"state": "up" if s.state.connected else "down",
                              "last_error": s.state.last_error}
                        for sid, s in self.sources.items()},
            "uplinks": {f.name: {"state": "up" if f.connected else "down",
                                 "last_error": f.last_error} for f in self.forwarders},
        }

    async def _status_loop(self) -> None:
        while True:
            self.write_status()
            await asyncio.sleep(min(self.cfg.heartbeat_interval, 5.0))

    def write_status(self) -> None:
        path = self.cfg.status_file
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({**self.heartbeat(), "pid": os.getpid()}, indent=1))
        os.replace(tmp, path)

    async def stop(self) -> None:
        # The watchdog first: a slow stop must not look like a stall and re-exec the
        # agent, which would forget the SIGTERM and run on.
        self.watchdog.stop()
        for task in self.tasks:
            task.cancel()
        # Closing the transports wakes a send blocked in its thread (a batch waiting
        # for the platform's ack); its batch stays in the journal.
        for fwd in self.forwarders:
            await asyncio.to_thread(fwd.close)
        await _cancel_all(self.tasks)
        self.watchdog.forget()
        for src in self.sources.values():
            await src.close()
        if self.journal:
            self.write_status()  # `status` shows the final state, not one from seconds ago
            if self._owns_journal:
                self.journal.close()
            self.journal = None


async def _cancel_all(tasks: list[asyncio.Task]) -> None:
    """Wait for cancelled tasks, cancelling again any that swallowed its cancel (a
    library's wait_for can on Python 3.11) instead of waiting for it forever."""
    pending = {t for t in tasks if not t.done()}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=1.0)
        for task in pending:
            log.warning("loop %s ignored its cancel; cancelling again", task.get_name())


def watchdog_timeout(cfg: Config) -> float:
    """How long a loop may be silent before it counts as stalled.

    A loop is legitimately silent for one iteration: a sampler for its period plus
    a slow read (OPC UA: connect, resolve, read, each bounded by the timeout), a
    forwarder for a heartbeat and a batch send (MQTT: connect + subscribe + publish,
    then the platform's ack) plus its
    longest backoff. Twice the slowest of those is a stall, not a slow peer; the
    configured `watchdog_timeout` is a floor.
    """
    read = max(4 * float(s.get("timeout", 2.0)) for s in cfg.sources.values())
    sampler = max(p.period for p in cfg.points) + read
    forwarder = max(3 * float(u.get("timeout", 10.0)) + float(u.get("backoff", {}).get("max", 15.0))
                    + float(u.get("ack_timeout", 30.0) if u["type"] == "mqtt" else 0)
                    for u in cfg.uplinks)
    return max(cfg.watchdog_timeout, 2 * max(sampler, forwarder))
