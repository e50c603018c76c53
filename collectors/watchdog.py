"""Stall detection and systemd notify (Type=notify, WatchdogSec=).

Every loop calls :meth:`Watchdog.beat`. systemd is only told WATCHDOG=1 while
every loop is alive, and a stalled loop makes the agent restart itself. A
thread watches the event loop too: if the loop itself is blocked, no coroutine
could notice.
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

log = logging.getLogger(__name__)


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


def restart_self() -> None:
    """Replace this process with a fresh agent (same PID, so systemd keeps tracking it)."""
    logging.shutdown()
    os.execv(sys.executable, [sys.executable, "-m", "collectors", *sys.argv[1:]])


class Watchdog:
    def __init__(self, timeout: float, on_stall: Callable[[str], None] = lambda name: None):
        self.timeout = timeout
        self.on_stall = on_stall
        self.beats: dict[str, float] = {}
        self._loop_beat = time.monotonic()
        self._stop = threading.Event()

    def beat(self, name: str) -> None:
        self.beats[name] = time.monotonic()

    def forget(self, prefix: str = "") -> None:
        for name in [n for n in self.beats if n.startswith(prefix)]:
            del self.beats[name]

    def stalled(self) -> list[str]:
        now = time.monotonic()
        return [n for n, t in list(self.beats.items()) if now - t > self.timeout]

    async def run(self) -> None:
        usec = os.environ.get("WATCHDOG_USEC")
        interval = min(self.timeout / 4, int(usec) / 2e6 if usec else 1.0)
        threading.Thread(target=self._watch_loop, daemon=True, name="watchdog").start()
        while True:
            self._loop_beat = time.monotonic()
            stalled = self.stalled()
            if stalled:
                log.critical("stalled loop(s): %s; restarting", ", ".join(stalled))
                self.on_stall(stalled[0])
            else:
                sd_notify("WATCHDOG=1")
            await asyncio.sleep(interval)

    def _watch_loop(self) -> None:
        while not self._stop.wait(1.0):
            if time.monotonic() - self._loop_beat > self.timeout:
                log.critical("event loop blocked for %.0fs; restarting", self.timeout)
                self.on_stall("event_loop")

    def stop(self) -> None:
        self._stop.set()
