"""`simulate`: run the tank farm, serve it, and write a matching agent config."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from pathlib import Path

import yaml

from collectors.simulator import layout
from collectors.simulator.modbus_server import RegisterImage, build_server
from collectors.simulator.model import LEVEL_HH, TankFarm

log = logging.getLogger(__name__)


class Simulator:
    def __init__(self, farm: TankFarm, host: str, modbus_port: int | None,
                 opcua_port: int | None, namespace_padding: int = 0):
        self.farm, self.host = farm, host
        self.modbus_port, self.opcua_port = modbus_port, opcua_port
        self.image = RegisterImage()
        for addr, reg in layout.pattern_registers().items():
            self.image.holding[addr] = reg
        self.modbus = None
        self.opcua = None
        if opcua_port:
            from collectors.simulator.opcua_server import FarmOpcUa  # asyncua is slow to import

            self.opcua = FarmOpcUa(farm, opcua_port, host, namespace_padding)

    def refresh(self) -> None:
        layout.holding_image(self.farm, self.image.holding)
        layout.input_image(self.farm, self.image.input)
        for i, tank in enumerate(self.farm.tanks):
            self.image.coils[i] = tank.pump_on
            self.image.discrete[i] = tank.level >= LEVEL_HH

    async def _modbus_online(self, online: bool) -> None:
        if online and self.modbus is None:
            self.modbus = build_server(self.image, self.host, self.modbus_port)
            await self.modbus.serve_forever(background=True)
        elif not online and self.modbus is not None:
            log.warning("scripted fault: Modbus source offline")
            await self.modbus.shutdown()
            self.modbus = None

    async def run(self, tick: float, stop: asyncio.Event) -> None:
        self.refresh()
        if self.opcua:
            await self.opcua.start()
        if self.modbus_port:
            await self._modbus_online(True)
        print(f"simulator ready modbus={self.modbus_port} opcua={self.opcua_port}", flush=True)
        while not stop.is_set():
            if self.modbus_port:
                await self._modbus_online(not self.farm.modbus_offline())
            self.farm.step(tick)
            self.refresh()
            if self.opcua:
                await self.opcua.publish()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), tick)
        await self._modbus_online(False)
        if self.opcua:
            await self.opcua.stop()


async def simulate(host: str, modbus_port: int | None, opcua_port: int | None, tanks: int,
                   detectors: int, faults: bool, tick: float, namespace_padding: int = 0,
                   start: float = 0.0) -> None:
    """Serve until SIGTERM/SIGINT, from `start` seconds into the fault cycle."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    farm = TankFarm.build(tanks, detectors, faults)
    farm.t = start
    sim = Simulator(farm, host, modbus_port, opcua_port, namespace_padding)
    await sim.run(tick, stop)


def agent_config(modbus_port: int, opcua_port: int | None, uplink: dict, *,
                 gateway: str = "gw-demo-01", journal: str = "var/collector/journal.db",
                 tanks: int = 6, detectors: int = 4, period: float = 1.0,
                 host: str = "127.0.0.1") -> dict:
    """An agent config that reads every simulated point once per `period`."""
    farm = TankFarm.build(tanks, detectors, faults=False)
    points: list[dict] = []
    for i, tank in enumerate(farm.tanks):
        points += layout.tank_points(i, tank.name, "plc-tankfarm", period)
    for j, det in enumerate(farm.detectors):
        points += layout.detector_points(j, det.name, "plc-tankfarm", period)
    sources: list[dict] = [{"id": "plc-tankfarm", "type": "modbus_tcp", "host": host,
                            "port": modbus_port, "unit": 1, "timeout": 1.0,
                            "backoff": {"initial": 0.5, "max": 10}}]
    if opcua_port:
        sources.append({"id": "dcs-tankfarm", "type": "opcua",
                        "endpoint": f"opc.tcp://{host}:{opcua_port}/safeatlas/",
                        "namespace_uri": layout.NS_URI, "timeout": 2.0,
                        "backoff": {"initial": 0.5, "max": 10}})
        points += layout.opcua_points(farm, "dcs-tankfarm", period)
    return {"version": 1,
            "agent": {"gateway_id": gateway, "journal": journal,
                      "journal_max_records": 5_000_000, "heartbeat_interval": 10},
            "sources": sources, "points": points, "uplinks": [uplink]}


def mqtt_uplink(url: str, topic_prefix: str = "safeatlas", hmac_key: str | None = None
                ) -> dict:
    uplink = {"id": "demo-mqtt", "type": "mqtt", "url": url, "topic_prefix": topic_prefix,
              "batch_max": 500}
    if hmac_key:
        uplink["hmac_key"] = hmac_key
    return uplink


def write_config(path: str | Path, cfg: dict) -> None:
    Path(path).write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
