"""Remote configuration: pull a new config version, trial it, keep it or roll back.

The journal and its sequence numbers outlive the swap, so no journaled reading is
lost; only the sampling pause during the swap (well under a second) is a gap.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

from collectors import payload
from collectors.config import Config, ConfigError, parse

log = logging.getLogger(__name__)
H_VERSION = "X-SafeAtlas-Config-Version"


class RemoteConfigError(Exception):
    pass


def fetch(cfg: Config) -> str | None:
    """GET the platform's config for this gateway; None when there is nothing newer."""
    rc = cfg.remote_config or {}
    key = payload.read_key(rc.get("hmac_key"),
                           str(cfg.resolve(rc["hmac_key_file"])) if "hmac_key_file" in rc else None)
    headers = payload.sign(key, b"", cfg.gateway_id)
    headers[H_VERSION] = cfg.version
    req = urllib.request.Request(rc["url"], headers=headers)
    ctx = None
    if "ca_file" in rc:
        import ssl

        ctx = ssl.create_default_context(cafile=str(cfg.resolve(rc["ca_file"])))
    try:
        with urllib.request.urlopen(req, timeout=10, context=ctx) as resp:
            body = resp.read()
            if resp.status != 200:
                return None
            sig = {k: resp.headers.get(k, "") for k in
                   (payload.H_TIMESTAMP, payload.H_NONCE, payload.H_SIGNATURE)}
    except (urllib.error.URLError, OSError) as exc:
        raise RemoteConfigError(f"fetch failed: {exc}") from None
    # The platform signs the config with the gateway key: TLS alone would let any
    # trusted-CA interceptor reconfigure a plant's agent.
    if not payload.verify_signature(key, body, sig):
        raise RemoteConfigError("config signature invalid")
    return body.decode("utf-8")


def validate(text: str, current: Config) -> Config:
    """Parse a candidate; relative paths resolve as for the local file."""
    try:
        new = parse(text, "remote-config", current.path)
    except ConfigError as exc:
        raise RemoteConfigError(f"invalid config: {exc}") from None
    if new.version == current.version:
        raise RemoteConfigError("same version as the running config")
    return new


def persist(path: Path, text: str) -> None:
    """Atomically replace the config file, keeping the previous one as .prev."""
    tmp = path.with_name(path.name + ".new")
    tmp.write_text(text, encoding="utf-8")
    if path.exists():
        os.replace(path, path.with_name(path.name + ".prev"))
    os.replace(tmp, path)


async def trial_ok(agent, seconds: float) -> bool:
    """A started agent passes when no loop crashed and a source answered in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if agent.failed_task() is not None:
            return False
        await asyncio.sleep(0.1)
    return agent.failed_task() is None and any(
        s.state.connected for s in agent.sources.values())
