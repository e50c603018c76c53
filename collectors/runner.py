"""`run`: keep one agent alive, swap configs remotely with rollback, stop on SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal

from collectors import remote_config
from collectors.agent import Agent
from collectors.config import Config

log = logging.getLogger(__name__)


class Runner:
    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.agent: Agent | None = None
        self.stop_event = asyncio.Event()

    async def _start(self, cfg: Config) -> Agent:
        agent = Agent(cfg)
        try:
            await agent.start()
        except Exception:
            await agent.stop()
            raise
        return agent

    async def apply(self, text: str) -> bool:
        """Try a new config; keep it if it runs, else restart the old one."""
        new_cfg = remote_config.validate(text, self.cfg)
        old_cfg, old = self.cfg, self.agent
        if old:
            await old.stop()  # releases the journal; the new agent reopens it
        try:
            agent = await self._start(new_cfg)
            ok = await remote_config.trial_ok(agent, new_cfg.remote_config.get("trial_seconds", 10)
                                              if new_cfg.remote_config else 10)
            if not ok:
                await agent.stop()
        except Exception as exc:  # any failure to start means roll back
            log.error("new config %s failed to start: %r", new_cfg.version, exc)
            ok = False
        if not ok:
            log.error("rolling back to config %s", old_cfg.version)
            self.agent = await self._start(old_cfg)
            return False
        if new_cfg.path:
            remote_config.persist(new_cfg.path, text)
        self.cfg, self.agent = new_cfg, agent
        log.info("config %s applied", new_cfg.version)
        return True

    async def _poll_remote(self) -> None:
        while self.cfg.remote_config:
            await asyncio.sleep(float(self.cfg.remote_config.get("interval", 300)))
            try:
                text = await asyncio.to_thread(remote_config.fetch, self.cfg)
                if text is not None:
                    await self.apply(text)
            except remote_config.RemoteConfigError as exc:
                log.warning("remote config: %s", exc)

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop_event.set)
        self.agent = await self._start(self.cfg)
        poller = asyncio.create_task(self._poll_remote())
        await self.stop_event.wait()
        poller.cancel()
        if self.agent:
            await self.agent.stop()
        return 0
