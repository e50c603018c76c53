"""SafeAtlas on-site collector agent (企业数据采集主机).

Runs in the plant: reads Modbus and OPC UA, journals every reading, and pushes
it outbound to the platform. It must never import Django or the server packages.
"""

__version__ = "0.1.0"
