"""Benchmark harness shared by every bench script (tiles, OGC API, ...).

Public API:

- `Result`                     one workload's figures (req/s, p50, p95, errors)
- `TOOLS`, `tools_missing()`   the system programs the benchmarks run, and those not installed
- `database_url()`             the DATABASE_URL of the dev cluster (env or var/services.env)
- `psycopg_conninfo()`         the same for `psycopg.connect`
- `asyncpg_url()`              the same as a URL asyncpg/pydantic accept (TiPg)
- `site(workers=2, static=dir)` our Django site under granian, as a `Service`
- `tipg(tables=[...])`         TiPg under uvicorn serving the same tables, as a `Service`
- `static_files(root)`         nginx serving the files under `root` (a ceiling), as a `Service`
- `Service(...)`               any HTTP server process: `with Service(...) as s: s.url(path)`
- `wrk(base, paths, ...)`      duration-bound load with wrk cycling through `paths`
- `http_once(base, paths)`     each path exactly once over keep-alive connections (cold caches)
- `pool(name, fn, items)`      each item once through `fn` in a thread pool (bare SQL, ...)
- `print_table(title, rows)`   side-by-side table; `ratio_to` names the peer row of each group

Servers bind a free loopback port; nothing reaches outside the machine.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
# Programs the benchmarks run from the system (the rest come from VENV_BIN), with the
# Debian package of each: `scripts/install-system.sh bench` (`make bench`) installs them.
TOOLS = {"wrk": "wrk", "ogr2ogr": "gdal-bin", "mosquitto": "mosquitto", "nginx": "nginx",
         "chromium": "chromium"}  # chromium: the browser of bench/onemap.py (Playwright)


def tools_missing() -> list[str]:
    """The TOOLS not on PATH, so a run fails before building its data, not half-way."""
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@dataclass
class Result:
    """Figures of one workload; latencies in milliseconds."""

    name: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    errors: int = 0
    group: str = ""

    def as_dict(self) -> dict:
        return self.__dict__.copy()


# ---- database URLs ------------------------------------------------------------------------


def database_url() -> str:
    """DATABASE_URL from the environment, else from var/services.env."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    env = ROOT / "var" / "services.env"
    for line in env.read_text().splitlines():
        if line.startswith("DATABASE_URL="):
            return line.split("=", 1)[1].strip()
    raise RuntimeError("DATABASE_URL is not set and var/services.env has none")


def _parts(url: str | None) -> dict:
    parsed = urllib.parse.urlparse(url or database_url())
    query = dict(urllib.parse.parse_qsl(parsed.query))
    return {
        "user": urllib.parse.unquote(parsed.username or ""),
        "password": urllib.parse.unquote(parsed.password or ""),
        "host": query.get("host") or urllib.parse.unquote(parsed.hostname or ""),
        "port": str(query.get("port") or parsed.port or 5432),
        "dbname": parsed.path.lstrip("/"),
    }


def psycopg_conninfo(url: str | None = None) -> str:
    """A libpq conninfo string (works for unix sockets given as ?host=/path)."""
    return " ".join(f"{k}={v}" for k, v in _parts(url).items() if v)


def asyncpg_url(url: str | None = None) -> str:
    """postgresql:// URL with the socket directory percent-encoded as the host, which both
    pydantic's PostgresDsn (TiPg settings) and asyncpg accept."""
    p = _parts(url)
    auth = urllib.parse.quote(p["user"], safe="")
    if p["password"]:
        auth += ":" + urllib.parse.quote(p["password"], safe="")
    host = urllib.parse.quote(p["host"], safe="")
    return f"postgresql://{auth}@{host}:{p['port']}/{p['dbname']}"


# ---- server processes ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """A server process on a loopback port; a context manager that waits until
    `ready_path` answers and stops the whole process group on exit."""

    def __init__(self, name: str, argv: list[str], *, port: int, ready_path: str = "/",
                 env: dict[str, str] | None = None, timeout: float = 60.0) -> None:
        self.name, self.argv, self.port = name, argv, port
        self.ready_path, self.timeout = ready_path, timeout
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen | None = None
        # Lives as long as the process it logs, so no context manager.
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix=f"bench-{name}-", suffix=".log", delete=False)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> Service:
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url(self.ready_path), timeout=5) as r:
                    if r.status < 500:
                        return self
            except urllib.error.HTTPError as e:
                if e.code < 500:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} not ready in {self.timeout}s; see {self.log.name}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def __enter__(self) -> Service:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def site(*, workers: int = 2, env: dict[str, str] | None = None,
         ready_path: str = "/tiles/style.json", static: Path | None = None) -> Service:
    """Our site (geo.wsgi, with the tile fast path) under granian; with `static`, granian
    serves that directory at /static as `make demo` serves var/static."""
    port = free_port()
    argv = [str(VENV_BIN / "granian"), "--interface", "wsgi", "geo.wsgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            # as `make demo`: granian's WSGI default of hundreds of threads per worker
            # spends the GIL on switching (measured: warm tiles 2x slower)
            "--blocking-threads", "4", "--no-access-log", "--log-level", "warning"]
    if static is not None:
        argv += ["--static-path-route", "/static", "--static-path-mount", str(static)]
    base_env = {"DATABASE_URL": database_url(), "DEBUG": "0"}
    # Each worker builds the Dash apps before it answers (ADR 0010): slow on a busy machine.
    return Service("site", argv, port=port, ready_path=ready_path,
                   env={**base_env, **(env or {})}, timeout=120.0)


def tipg(*, tables: Sequence[str], workers: int = 1, env: dict[str, str] | None = None
         ) -> Service:
    """TiPg (uvicorn tipg.main:app) publishing `tables` of the public schema."""
    port = free_port()
    argv = [str(VENV_BIN / "uvicorn"), "tipg.main:app", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers), "--no-access-log",
            "--log-level", "warning"]
    base_env = {
        "DATABASE_URL": asyncpg_url(),
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_DB_TABLES": json.dumps([f"public.{t}" for t in tables]),
        "TIPG_DB_SPATIAL_EXTENT": "false",
        "TIPG_DB_DATETIME_EXTENT": "false",
    }
    return Service("tipg", argv, port=port, ready_path="/collections",
                   env={**base_env, **(env or {})})


_NGINX_CONF = """
daemon off;
worker_processes %(workers)d;
pid %(dir)s/nginx.pid;
error_log %(dir)s/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path %(dir)s/body;
  proxy_temp_path %(dir)s/proxy;
  fastcgi_temp_path %(dir)s/fastcgi;
  uwsgi_temp_path %(dir)s/uwsgi;
  scgi_temp_path %(dir)s/scgi;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  open_file_cache max=100000;
  types { %(types)s }
  server {
    listen 127.0.0.1:%(port)d;
    root %(root)s;
    %(headers)s
  }
}
"""


def static_files(root: Path, *, workers: int = 2, types: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None) -> Service:
    """nginx (`workers` processes, no access log, sendfile, open-file cache) serving the
    files under `root` by path, ignoring the query string: the ceiling any HTTP server
    can reach for the same bytes. `types` maps a file suffix to its media type;
    `headers` are added to every answer (e.g. Content-Encoding of stored gzip bodies)."""
    port = free_port()
    conf_dir = tempfile.mkdtemp(prefix="bench-nginx-")
    conf = Path(conf_dir) / "nginx.conf"
    conf.write_text(_NGINX_CONF % {
        "workers": workers, "dir": conf_dir, "port": port, "root": root,
        "types": " ".join(f"{t} {s};" for s, t in (types or {}).items()),
        "headers": " ".join(f'add_header {k} "{v}";' for k, v in (headers or {}).items()),
    })
    # Workers run as `nobody` when started by root: they must be able to read the files.
    for path in (Path(conf_dir), Path(root)):
        path.chmod(0o755)
    service = Service("nginx", [shutil.which("nginx") or "nginx", "-c", str(conf),
                                "-p", conf_dir, "-e", f"{conf_dir}/error.log"], port=port)
    service.root = Path(root)
    return service


# ---- load drivers -------------------------------------------------------------------------

_WRK_LUA = """
local paths = %(paths)s
local headers = %(headers)s
local nthreads = %(threads)d
local nextid = 0
function setup(thread)
  thread:set("tid", nextid)
  nextid = nextid + 1
end
function init(args)
  i = tid %% #paths + 1
end
function request()
  local p = paths[i]
  i = i + nthreads
  if i > #paths then i = (i - 1) %% #paths + 1 end
  return wrk.format("GET", p, headers)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"p50_us\\": %%d, " ..
    "\\"p95_us\\": %%d, \\"errors\\": %%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _lua_string(s: str) -> str:
    return json.dumps(s)  # a JSON string literal is a valid Lua string literal here


def wrk(base: str, paths: Sequence[str], *, name: str, duration: float = 10.0,
        connections: int = 32, threads: int = 2, headers: dict[str, str] | None = None,
        group: str = "", timeout: float = 10.0) -> Result:
    """Duration-bound load: wrk cycles through `paths` (absolute paths with query)."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed: scripts/install-system.sh bench")
    lua = _WRK_LUA % {
        "paths": "{" + ",".join(_lua_string(p) for p in paths) + "}",
        "headers": "{" + ",".join(f"[{_lua_string(k)}]={_lua_string(v)}"
                                  for k, v in (headers or {}).items()) + "}",
        "threads": threads,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
    try:
        argv = ["wrk", "-t", str(threads), "-c", str(connections),
                "-d", f"{max(1, round(duration))}s", "--timeout", f"{max(1, round(timeout))}s",
                "--latency", "-s", f.name, base]
        proc = subprocess.run(argv, capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    if proc.returncode:
        raise RuntimeError(f"wrk failed: {proc.stderr or proc.stdout}")
    out = proc.stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    data = json.loads(line[6:])
    seconds = data["duration_us"] / 1e6
    return Result(name, data["requests"], seconds, data["requests"] / seconds,
                  data["p50_us"] / 1000, data["p95_us"] / 1000, data["errors"], group)


def pool(name: str, fn: Callable, items: Iterable, *, workers: int = 4,
         setup: Callable | None = None, group: str = "") -> Result:
    """Run `fn(state, item)` once per item in `workers` threads; `setup()` makes each
    thread's state (a connection, ...). An exception counts as an error."""
    items = list(items)
    local = threading.local()
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def one(item) -> None:
        nonlocal errors
        if not hasattr(local, "state"):
            local.state = setup() if setup else None
        t0 = time.perf_counter()
        try:
            fn(local.state, item)
        except Exception:
            with lock:
                errors += 1
            return
        with lock:
            latencies.append(time.perf_counter() - t0)

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as ex:
        list(ex.map(one, items))
    seconds = time.perf_counter() - start
    return _summary(name, latencies, seconds, errors, group)


def _summary(name: str, latencies: list[float], seconds: float, errors: int,
             group: str) -> Result:
    if not latencies:
        return Result(name, 0, seconds, 0.0, 0.0, 0.0, errors, group)
    cuts = statistics.quantiles(latencies, n=20, method="inclusive") if len(latencies) > 1 \
        else [latencies[0]] * 19
    return Result(name, len(latencies), seconds, len(latencies) / seconds,
                  statistics.median(latencies) * 1000, cuts[18] * 1000, errors, group)


def http_once(base: str, paths: Sequence[str], *, name: str, workers: int = 4,
              headers: dict[str, str] | None = None, group: str = "") -> Result:
    """GET each path exactly once (cold caches) over one keep-alive connection per thread.
    Any status >= 400 counts as an error."""
    host = urllib.parse.urlparse(base)

    def connect():
        return http.client.HTTPConnection(host.hostname, host.port, timeout=300)

    def get(conn, path):
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        resp.read()
        if resp.status >= 400:
            raise RuntimeError(f"{path}: {resp.status}")

    return pool(name, get, paths, workers=workers, setup=connect, group=group)


# ---- reporting ----------------------------------------------------------------------------


def format_table(title: str, rows: Sequence[Result], *,
                 ratio_to: str | Sequence[str] = ()) -> str:
    """Rows grouped by `group`; one ratio column per peer name in `ratio_to`: req/s of the
    row divided by req/s of the peer's row in the same group."""
    peers = [ratio_to] if isinstance(ratio_to, str) else list(ratio_to)
    head = f"{'group':<14}{'workload':<20}{'req/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}"
    widths = [max(10, len(p) + 5) for p in peers]
    lines = [title, head + "".join(f"{'vs ' + p:>{w}}" for p, w in zip(peers, widths,
                                                                         strict=True))]
    rps = {(r.group, r.name): r.rps for r in rows}
    for r in rows:
        line = (f"{r.group:<14}{r.name:<20}{r.rps:>10.0f}{r.p50_ms:>9.2f}{r.p95_ms:>9.2f}"
                f"{r.errors:>8d}")
        for p, w in zip(peers, widths, strict=True):
            base = rps.get((r.group, p))
            line += f"{f'{r.rps / base:.2f}x' if base and r.name != p else '':>{w}}"
        lines.append(line)
    return "\n".join(lines)


def print_table(title: str, rows: Sequence[Result], *,
                ratio_to: str | Sequence[str] = ()) -> None:
    print(format_table(title, rows, ratio_to=ratio_to), file=sys.stdout, flush=True)
