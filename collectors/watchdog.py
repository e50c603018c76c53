"""Stall detection and systemd notify (Type=notify, WatchdogSec=).

Every loop calls :meth:`Watchdog.beat`. systemd is told WATCHDOG=1 only while
every loop is alive, and a stalled loop makes the agent restart itself (re-exec,
same PID, same journal). A thread watches the event loop too: if the loop itself
is blocked, no coroutine could notice.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

# Test hook (see tests/collectors/test_watchdog.py): names a file that, once it
# exists, makes one matching loop stall so the end-to-end restart can be proven.
STALL_ENV = "SAFEATLAS_COLLECTOR_TEST_STALL_FILE"


def sd_notify(message: str) -> bool:
    """Send a datagram to $NOTIFY_SOCKET; a no-op outside systemd."""
    addr = os.environ.get("NOTIFY_SOCKET")
    if not addr:
        return False
    if addr.startswith("@"):
        addr = "\0" + addr[1:]  # abstract namespace socket
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        try:
            sock.sendto(message.encode(), addr)
        except OSError:
            return False
    return True


def restart_self(reason: str = "") -> None:
    """Replace this process with a fresh agent (same PID, so systemd keeps tracking it).

    The journal commits every tick, so nothing journaled is lost; a batch that was
    in flight is resent with the same sequence numbers.
    """
    log.critical("re-executing the agent (%s)", reason or "requested")
    sd_notify(f"STATUS=restarting: {reason}")
    logging.shutdown()
    # `python -m collectors ARGS`: sys.argv[0] is the package's __main__.py path.
    os.execv(sys.executable, [sys.executable, "-m", "collectors", *sys.argv[1:]])


async def maybe_stall(loop_name: str) -> None:
    """Test-only: stall this loop once if the file named by $STALL_ENV asks for it.

    The file holds ``hang:<loop prefix>`` (the coroutine never returns) or
    ``block:<loop prefix>`` (the whole event loop is blocked). It is deleted
    first, so the re-executed agent runs normally.
    """
    path = os.environ.get(STALL_ENV)
    if not path:
        return
    try:
        mode, _, prefix = Path(path).read_text().strip().partition(":")
    except FileNotFoundError:
        return
    if not loop_name.startswith(prefix):
        return
    try:
        os.unlink(path)
    except FileNotFoundError:
        return  # another loop took it
    log.warning("test hook: %s loop %s", mode, loop_name)
    if mode == "block":
        time.sleep(3600)
    await asyncio.sleep(3600)


class Watchdog:
    def __init__(self, timeout: float, on_stall: Callable[[str], None] = lambda name: None):
        self.timeout = timeout
        self.on_stall = on_stall
        self.beats: dict[str, float] = {}
        self._loop_beat = time.monotonic()
        self._stop = threading.Event()
        self._fired = False

    def beat(self, name: str) -> None:
        self.beats[name] = time.monotonic()

    def forget(self, prefix: str = "") -> None:
        for name in [n for n in self.beats if n.startswith(prefix)]:
            del self.beats[name]

    def stalled(self) -> list[str]:
        now = time.monotonic()
        return [n for n, t in list(self.beats.items()) if now - t > self.timeout]

    def _fire(self, name: str) -> None:
        # Both the coroutine and the thread may see the same stall: restart once.
        if not self._fired:
            self._fired = True
            self.on_stall(name)

    async def run(self) -> None:
        usec = os.environ.get("WATCHDOG_USEC")
        # Ping at half of systemd's WatchdogSec, and often enough to catch our own stalls.
        interval = min(self.timeout / 4, int(usec) / 2e6 if usec else 1.0)
        self._loop_beat = time.monotonic()
        threading.Thread(target=self._watch_loop, daemon=True, name="watchdog").start()
        while True:
            self._loop_beat = time.monotonic()
            stalled = self.stalled()
            if stalled:
                log.critical("stalled loop(s): %s; restarting", ", ".join(stalled))
                self._fire(stalled[0])
            else:
                sd_notify("WATCHDOG=1")
            await asyncio.sleep(interval)

    def _watch_loop(self) -> None:
        step = min(1.0, self.timeout / 4)
        while not self._stop.wait(step):
            if time.monotonic() - self._loop_beat > self.timeout:
                log.critical("event loop blocked for %.1fs; restarting", self.timeout)
                self._fire("event_loop")
                return

    def stop(self) -> None:
        self._stop.set()
