"""`make bench` on a fresh machine: every program a benchmark runs is installed by the
project's own set-up (the venv, or `scripts/install-system.sh bench`, which the `bench`
target calls). The benchmarks themselves are not run here."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

from bench import common

ROOT = common.ROOT
RUNNERS = {"run", "Popen", "call", "check_call", "check_output"}


def _first_string(node: ast.AST) -> str | None:
    if isinstance(node, ast.List) and node.elts and isinstance(node.elts[0], ast.Constant) \
            and isinstance(node.elts[0].value, str):
        return node.elts[0].value
    return None


def programs(path: Path) -> tuple[set[str], set[str]]:
    """(system programs, venv programs) one bench script runs: the first string of an
    argv list given to subprocess or named `argv`, `shutil.which("…")`, `VENV_BIN / "…"`."""
    system, venv = set(), set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in RUNNERS and node.args and _first_string(node.args[0]):
                system.add(_first_string(node.args[0]))
            if node.func.attr == "which" and node.args \
                    and isinstance(node.args[0], ast.Constant):
                system.add(node.args[0].value)
        elif isinstance(node, ast.Assign) and _first_string(node.value) and any(
                isinstance(t, ast.Name) and t.id == "argv" for t in node.targets):
            system.add(_first_string(node.value))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) \
                and isinstance(node.right, ast.Constant) and "VENV_BIN" in ast.unparse(node.left):
            venv.add(node.right.value)
    return system, venv


def all_programs() -> tuple[set[str], set[str]]:
    system, venv = set(), set()
    for path in sorted((ROOT / "bench").glob("*.py")):
        s, v = programs(path)
        system |= s
        venv |= v
    return system, venv


def test_the_scan_finds_what_the_benchmarks_run():
    system, venv = all_programs()
    assert {"wrk", "ogr2ogr"} <= system
    assert {"granian", "uvicorn", "python"} <= venv


def test_every_system_program_is_installed_by_the_bench_set_up():
    system, _venv = all_programs()
    assert sorted(system - set(common.TOOLS)) == []  # each named with its Debian package
    wanted = subprocess.run([str(ROOT / "scripts/install-system.sh"), "bench", "--list"],
                            capture_output=True, text=True, check=True).stdout.split()
    assert sorted(set(common.TOOLS.values()) - set(wanted)) == []
    assert "wrk" in wanted


def test_the_bench_target_runs_the_bench_set_up():
    dry = subprocess.run(["make", "-n", "bench"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert "scripts/install-system.sh bench" in dry
    assert dry.index("scripts/install-system.sh bench") < next(
        i for i, line in enumerate(dry) if "-m bench.run" in line)


def test_every_venv_program_is_in_the_venv():
    _system, venv = all_programs()
    assert sorted(p for p in venv if not (common.VENV_BIN / p).exists()) == []
