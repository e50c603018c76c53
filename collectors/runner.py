"""`run`: keep one agent alive, swap configs remotely with rollback, stop on SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time

from collectors import remote_config
from collectors.agent import Agent
from collectors.config import Config
from collectors.journal import Journal
from collectors.remote_config import RemoteConfigError

log = logging.getLogger(__name__)


class Runner:
    """Owns the journal for the whole process, so a config swap keeps its sequence."""

    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.agent: Agent | None = None
        self.journal: Journal | None = None
        self.stop_event = asyncio.Event()
        # Shared with every agent: heartbeats carry the last remote-config failure.
        self.config_state: dict = {"error": None}
        self.rejected: set[str] = set()  # versions that failed their trial: not retried

    async def _start(self, cfg: Config) -> Agent:
        if self.journal is None:
            self.journal = Journal(cfg.journal, cfg.journal_max_records,
                                   cfg.uplink_ids)
        self.journal.max_records = cfg.journal_max_records
        self.journal.sync_uplinks(cfg.uplink_ids, prune=False)
        agent = Agent(cfg, journal=self.journal, config_state=self.config_state)
        try:
            await agent.start()
        except Exception:
            await agent.stop()
            raise
        return agent

    def _report(self, version: str | None, error: str | None) -> None:
        if error:
            log.error("remote config %s refused: %s", version, error)
        self.config_state["error"] = error and {
            "version": version, "error": error, "at": int(time.time() * 1000)}

    async def _trial(self, cfg: Config) -> tuple[Agent | None, str | None]:
        try:
            agent = await self._start(cfg)
        except Exception as exc:  # any failure to start means roll back
            return None, f"failed to start: {exc!r}"
        self.agent = agent  # a SIGTERM during the trial stops this one
        error = await remote_config.trial(agent, remote_config.trial_seconds(cfg))
        if error:
            self.agent = None
            await agent.stop()
            return None, error
        return agent, None

    async def apply(self, text: str) -> bool:
        """Try a new config; keep it if it runs, else restart the old one."""
        try:
            new_cfg = remote_config.validate(text, self.cfg)
        except RemoteConfigError as exc:
            self._report(remote_config.candidate_version(text), str(exc))
            return False
        if new_cfg.version in self.rejected:
            return False  # already reported; the platform still offers it
        if self.agent:
            await self.agent.stop()
            self.agent = None
        agent, error = await self._trial(new_cfg)
        if agent is None:
            self.rejected.add(new_cfg.version)
            self._report(new_cfg.version, f"rolled back to {self.cfg.version}: {error}")
            self.agent = await self._start(self.cfg)
            return False
        if new_cfg.path:
            remote_config.persist(new_cfg.path, text)  # a restart keeps the new config
        self.journal.sync_uplinks(new_cfg.uplink_ids, prune=True)
        self.cfg, self.agent = new_cfg, agent
        self._report(new_cfg.version, None)
        log.info("config %s applied", new_cfg.version)
        return True

    async def _poll_remote(self) -> None:
        while self.cfg.remote_config:
            await asyncio.sleep(float(self.cfg.remote_config.get("interval", 300)))
            try:
                text = await asyncio.to_thread(remote_config.fetch, self.cfg)
            except RemoteConfigError as exc:
                log.warning("remote config: %s", exc)
                if exc.refused:  # a forged or corrupted config is news for the platform
                    self._report(None, str(exc))
                continue
            if text is not None:
                await self.apply(text)

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop_event.set)
        self.agent = await self._start(self.cfg)
        poller = asyncio.create_task(self._poll_remote(), name="remote_config")
        stopper = asyncio.create_task(self.stop_event.wait())
        await asyncio.wait({poller, stopper}, return_when=asyncio.FIRST_COMPLETED)
        code = 0
        if poller.done() and poller.exception():
            # e.g. the old config would not restart after a rollback: let systemd retry.
            log.critical("remote config loop failed: %r", poller.exception())
            code = 1
        elif poller.done():
            await stopper  # a config without remote_config: just keep running
        for task in (poller, stopper):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.agent:
            await self.agent.stop()
        if self.journal:
            self.journal.close()
        return code
