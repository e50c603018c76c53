"""Serve the tank farm over OPC UA (asyncua)."""

from __future__ import annotations

from asyncua import Server, ua

from collectors.simulator.layout import NS_URI
from collectors.simulator.model import TankFarm


class FarmOpcUa:
    def __init__(self, farm: TankFarm, port: int, host: str = "127.0.0.1",
                 namespace_padding: int = 0):
        self.farm, self.port, self.host = farm, port, host
        # Extra namespaces registered first shift our index: the agent must resolve
        # by URI, and the tests restart with a different padding to prove it.
        self.padding = namespace_padding
        self.server = Server()
        self.vars: dict[str, object] = {}

    async def start(self) -> None:
        srv = self.server
        await srv.init()
        srv.set_endpoint(f"opc.tcp://{self.host}:{self.port}/safeatlas/")
        srv.set_server_name("SafeAtlas tank-farm simulator")
        srv.set_security_policy([ua.SecurityPolicyType.NoSecurity])
        for k in range(self.padding):
            await srv.register_namespace(f"urn:safeatlas:padding:{k}")
        idx = await srv.register_namespace(NS_URI)
        farm_obj = await srv.nodes.objects.add_object(idx, "TankFarm")
        for tank in self.farm.tanks:
            obj = await farm_obj.add_object(idx, tank.name)
            for var in ("Level", "Temperature", "Pressure"):
                self.vars[f"{tank.name}/{var}"] = await obj.add_variable(idx, var, 0.0)
        gas = await srv.nodes.objects.add_object(idx, "GasDetectors")
        for det in self.farm.detectors:
            obj = await gas.add_object(idx, det.name)
            self.vars[f"{det.name}/Concentration"] = await obj.add_variable(
                idx, "Concentration", 0.0)
        await srv.start()

    async def publish(self) -> None:
        for tank in self.farm.tanks:
            await self.vars[f"{tank.name}/Level"].write_value(tank.level)
            await self.vars[f"{tank.name}/Temperature"].write_value(
                self.farm.reported_temperature(tank))
            await self.vars[f"{tank.name}/Pressure"].write_value(tank.pressure)
        for det in self.farm.detectors:
            await self.vars[f"{det.name}/Concentration"].write_value(det.lel)

    async def stop(self) -> None:
        await self.server.stop()
