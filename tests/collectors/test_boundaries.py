"""Structural promises: read-only on the plant network, no Django, watchdog stall detection."""

import re
import subprocess
import sys
import time
from pathlib import Path

from collectors.watchdog import Watchdog
from tests.collectors.conftest import ENV, ROOT

PKG = ROOT / "collectors"


def _sources() -> list[Path]:
    return [p for p in PKG.rglob("*.py") if "simulator" not in p.parts]


def test_agent_code_has_no_modbus_or_opcua_write_call():
    pattern = re.compile(r"\.(write_coils?|write_registers?|write_value|write_values|"
                         r"write_attribute|readwrite_registers|mask_write_register|call_method)\(")
    offenders = [str(p) for p in _sources() if pattern.search(p.read_text())]
    assert offenders == []


def test_agent_opens_no_listening_socket():
    offenders = [str(p) for p in _sources() if p.name != "receiver.py"
                 and re.search(r"\.(listen|bind)\(|start_server|serve_forever", p.read_text())]
    assert offenders == []


def test_collectors_import_without_django():
    code = ("import sys, collectors.agent, collectors.cli, collectors.runner; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('django', 'geo', 'layers', 'tiles', 'registry', 'dashboards')]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], env=ENV, cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr


def test_watchdog_flags_a_stalled_loop():
    stalled: list[str] = []
    dog = Watchdog(0.2, stalled.append)
    dog.beat("sampler:plc:1")
    dog.beat("uplink:http")
    time.sleep(0.3)
    dog.beat("uplink:http")
    assert dog.stalled() == ["sampler:plc:1"]


def test_safeatlas_collector_script_runs_from_anywhere_and_matches_the_unit(tmp_path):
    script = ROOT / "bin" / "safeatlas-collector"
    cfg = tmp_path / "agent.yaml"
    cfg.write_text(f"agent: {{gateway_id: gw, journal: j.db}}\n"
                   "sources: [{id: plc, type: modbus_tcp, host: 127.0.0.1}]\n"
                   "points: [{id: p, source: plc, address: 0}]\n"
                   f"uplinks: [{{id: u, type: https, url: 'http://127.0.0.1:9/', "
                   f"hmac_key: '{'11' * 32}'}}]\n")
    env = {k: v for k, v in ENV.items() if k != "PYTHONPATH"}  # the script sets it
    out = subprocess.run([str(script), "check", str(cfg), "--no-probe"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "configuration valid (1 points)" in out.stdout, out.stderr
    unit = (ROOT / "deploy" / "safeatlas-collector.service").read_text()
    exec_start = next(ln for ln in unit.splitlines() if ln.startswith("ExecStart="))
    assert exec_start.split("=", 1)[1].split()[:2] == [
        "/opt/safeatlas/bin/safeatlas-collector", "run"]
