"""A source's connection, (re)opened beside the sampling loop and never in its way.

A connect to a dead or hung server can take seconds (OPC UA: TCP, hello, secure
channel, session, each bounded by the timeout) and the backoff between attempts
grows, yet the sampler must journal a `bad` reading every period
(docs/ingest-protocol.md §3.1). So attempts run as tasks of their own: a read takes
the connection if there is one and otherwise reports the source down at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from collectors.backoff import Backoff
from collectors.source_base import SourceState

log = logging.getLogger(__name__)
C = TypeVar("C")


class ConnectFailed(Exception):
    """An attempt failed. `refused`: the host refused the TCP connection at once,
    i.e. nothing listens (the server process is dead or restarting)."""

    def __init__(self, reason: str, *, refused: bool = False):
        super().__init__(reason)
        self.reason, self.refused = reason, refused


class Link(Generic[C]):
    """One source's connection. At most one attempt runs at a time, as a task.

    `opener` returns a connected client or raises ConnectFailed (cleaning up what it
    opened, also when cancelled); `closer` never raises; `alive` says whether a
    client handed out earlier still has its connection.
    """

    def __init__(self, name: str, opener: Callable[[], Awaitable[C]],
                 closer: Callable[[C], Awaitable[None]], backoff: Backoff,
                 state: SourceState, alive: Callable[[C], bool] = lambda client: True):
        self.name, self.opener, self.closer, self.alive = name, opener, closer, alive
        self.backoff, self.state = backoff, state
        self.client: C | None = None
        self._attempt: asyncio.Task | None = None
        self._tried = False  # an attempt has finished
        self._logged: str | None = None
        self._closing: set[asyncio.Task] = set()

    async def get(self) -> C | None:
        """The connected client, or None at once while an attempt is due or under way.

        Only the very first attempt is waited for (it is bounded by the source's
        connect timeout), so a healthy source starts with a good reading, not a
        false `down`.
        """
        if self.client is not None and not self.alive(self.client):
            self.lost("connection closed by the server")
        if self.client is None:
            attempt = self._start()
            if not self._tried:
                await asyncio.shield(attempt)
        return self.client

    def lost(self, reason: str) -> None:
        """A read failed on the connection: drop it and start reconnecting."""
        client, self.client = self.client, None
        self.state.connected, self.state.last_error = False, reason
        self.backoff.failed()
        if client is not None:
            task = asyncio.create_task(self.closer(client))
            self._closing.add(task)  # the loop keeps only weak references to tasks
            task.add_done_callback(self._closing.discard)
        self._start()

    def _start(self) -> asyncio.Task:
        if self._attempt is None:
            self._attempt = asyncio.create_task(self._connect(), name=f"connect:{self.name}")
        return self._attempt

    async def _connect(self) -> None:
        try:
            await asyncio.sleep(max(0.0, self.backoff.next_at - time.monotonic()))
            try:
                client = await self.opener()
            except Exception as exc:  # an opener's bug must not end reconnecting
                self._failed(exc if isinstance(exc, ConnectFailed)
                             else ConnectFailed(f"connect failed: {exc!r}"))
                return
            self.client = client
            self.backoff.succeeded()
            self.state.connected, self.state.last_error = True, None
            self._logged = None
        finally:
            self._attempt, self._tried = None, True

    def _failed(self, exc: ConnectFailed) -> None:
        self.state.connected, self.state.last_error = False, exc.reason
        if exc.refused:
            # Refusing costs the host nothing, so the next read tries again: data
            # resumes two periods at most after the server listens. Silence, handshake
            # and login failures back off: a struggling server and its lockout
            # counter are spared.
            self.backoff.succeeded()
        else:
            self.backoff.failed()
        if exc.reason != self._logged:  # once per cause, not once per attempt
            log.warning("%s: %s", self.name, exc.reason)
            self._logged = exc.reason

    async def close(self) -> None:
        if self._attempt is not None:
            self._attempt.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._attempt
        client, self.client = self.client, None
        if client is not None:
            await self.closer(client)
        await asyncio.gather(*self._closing, return_exceptions=True)
