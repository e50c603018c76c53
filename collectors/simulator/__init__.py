"""Tank-farm simulator served over Modbus TCP and OPC UA, for the demo and the tests."""
