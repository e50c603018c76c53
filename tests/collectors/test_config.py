"""Malformed config, wrong types, unknown keys -> clear error naming key and line."""

import subprocess
import sys

import pytest

from collectors.config import ConfigError, parse
from tests.collectors.conftest import ENV, HMAC_HEX, ROOT

GOOD = f"""
agent:
  gateway_id: gw-1
  journal: j.db
sources:
  - id: plc
    type: modbus_tcp
    host: 127.0.0.1
    port: 5020
points:
  - id: T-101.level
    source: plc
    address: 0
    type: float32
    unit: m
uplinks:
  - id: http
    type: https
    url: https://ingest.example/batches
    hmac_key: "{HMAC_HEX}"
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as err:
        parse(text, "agent.yaml")
    return err.value.problems


def test_good_config_builds_typed_points():
    cfg = parse(GOOD, "agent.yaml")
    assert cfg.points[0].type == "float32" and cfg.points[0].period == 1.0
    assert cfg.sources["plc"]["port"] == 5020


def test_unknown_key_is_named_with_its_line():
    (msg,) = problems(GOOD.replace("    unit: m", "    unit: m\n    perod: 1"))
    assert msg.startswith("agent.yaml:16: points[0].perod:") and "unknown key" in msg


def test_wrong_type_names_key_and_line():
    (msg,) = problems(GOOD.replace("port: 5020", "port: fivethousand"))
    assert msg.startswith("agent.yaml:9: sources[0].port:") and "not of type 'integer'" in msg


def test_bad_enum_and_unknown_source_reference():
    (msg,) = problems(GOOD.replace("type: float32", "type: float64"))
    assert "points[0].type" in msg and "float64" in msg
    (msg,) = problems(GOOD.replace("    source: plc", "    source: dcs"))
    assert "points[0].source: unknown source 'dcs'" in msg


MQTT = GOOD + f"""  - id: mqtt
    type: mqtt
    url: mqtt://127.0.0.1:1883
    hmac_key: "{HMAC_HEX}"
"""


def test_mqtt_uplink_waits_for_the_platforms_ack_unless_told_the_broker_is_enough():
    from collectors.agent import build_transport

    cfg = parse(MQTT, "agent.yaml")
    default = build_transport(cfg, cfg.uplinks[1])
    assert (default.ack, default.ack_timeout) == ("platform", 30.0)
    cfg = parse(MQTT + "    ack: broker\n    ack_timeout: 5\n", "agent.yaml")
    old = build_transport(cfg, cfg.uplinks[1])
    assert (old.ack, old.ack_timeout) == ("broker", 5.0)
    (msg,) = problems(MQTT + "    ack: pubrec\n")
    assert msg == "agent.yaml:25: uplinks[1].ack: 'pubrec' is not one of ['platform', 'broker']"


def test_yaml_syntax_error_has_line():
    (msg,) = problems(GOOD.replace("  - id: plc", "  - id: [plc"))
    assert msg.startswith("agent.yaml:") and "YAML syntax error" in msg


def test_password_over_unencrypted_opcua_is_refused():
    text = GOOD.replace("sources:\n", "sources:\n  - {id: dcs, type: opcua, endpoint: "
                        "'opc.tcp://h:4840', namespace_uri: urn:x, username: u, password: p}\n")
    assert any("sign_and_encrypt" in p for p in problems(text))


def test_cli_run_refuses_to_start_on_bad_config(tmp_path):
    path = tmp_path / "agent.yaml"
    path.write_text(GOOD.replace("address: 0", "address: -3"))
    for cmd in ("run", "check"):
        res = subprocess.run([sys.executable, "-m", "collectors", cmd, str(path)], cwd=ROOT,
                             env=ENV, capture_output=True, text=True, timeout=60)
        assert res.returncode == 2
        assert f"{path}:13: points[0].address" in res.stderr
    assert not (tmp_path / "j.db").exists()  # the agent never started
