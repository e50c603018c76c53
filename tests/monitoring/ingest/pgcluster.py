"""A PostgreSQL cluster of a test's own, as scripts/services.sh makes the dev one: initdb
into a temporary directory, a unix socket only (no TCP port), PostGIS and pg_partman from
the same Debian packages. A test may kill -9 its postmaster without touching the suite's
cluster."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

PGBIN = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
PORT = 55499  # names the socket file only: the cluster listens on no TCP port


def _as_pg(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """PostgreSQL refuses to run as root: the postgres account then (as services.sh)."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


class Cluster:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="safeatlas-pg-"))
        self.data, self.run = self.root / "data", self.root / "run"
        self.run.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.run, "postgres")
            self.root.chmod(0o755)

    def url(self, db: str) -> str:
        return f"postgis://safeatlas@/{db}?host={self.run}&port={PORT}"

    def conninfo(self, db: str) -> str:
        return f"host={self.run} port={PORT} user=safeatlas dbname={db}"

    def init(self) -> Cluster:
        _as_pg([str(PGBIN / "initdb"), "-D", str(self.data), "-U", "safeatlas",
                "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"listen_addresses = ''\nunix_socket_directories = '{self.run}'\n"
                       f"port = {PORT}\nfsync = on\nshared_buffers = 64MB\njit = off\n")
        return self

    def start(self, timeout: float = 30.0) -> None:
        """Start the postmaster; after a kill -9 its orphaned backends may hold the shared
        memory a moment, and the new postmaster refuses to start until they are gone."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                _as_pg([str(PGBIN / "pg_ctl"), "-D", str(self.data), "-l",
                        str(self.root / "server.log"), "-w", "-t", "30", "start"])
                return
            except subprocess.CalledProcessError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

    def kill9(self) -> int:
        """SIGKILL to the postmaster (only it: its backends notice and exit)."""
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)
        return pid

    def createdb(self, db: str) -> None:
        _as_pg([str(PGBIN / "createdb"), "-h", str(self.run), "-p", str(PORT), "-U",
                "safeatlas", db])

    def destroy(self) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--"] * (os.geteuid() == 0) +
                       [str(PGBIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                        "stop"], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)
