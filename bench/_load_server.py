"""The service under load, in its own process group, and the CPU that processes spend.

CPU is read from ``/proc`` (Linux): a process's user+system ticks, its live children's included (uvicorn
with several workers runs them as children), and the whole machine's busy share, so a report can tell
whether the server, the load generator or someone else used the cores.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

TICKS_PER_S = os.sysconf("SC_CLK_TCK")
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


def free_loopback_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_server(
    project_root: Path,
    port: int,
    *,
    workers: int,
    environment: Mapping[str, str],
    cpus: frozenset[int] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """``uvicorn --factory api.main:create_app`` on 127.0.0.1:``port``, stopped (SIGTERM) on exit.

    ``cpus``: the cores the server (its workers and threads included) may run on; any, when None.
    """
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "api.main:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    env = {**os.environ, **environment, "PYTHONPATH": str(project_root)}
    pinned = ["taskset", "--cpu-list", ",".join(str(cpu) for cpu in sorted(cpus))] if cpus else []
    server = subprocess.Popen(pinned + command, cwd=project_root, env=env, start_new_session=True)
    try:
        _wait_until_healthy(server, f"http://127.0.0.1:{port}/health")
        yield server
    finally:
        _stop(server)


def _wait_until_healthy(server: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode} before answering")
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer {url} within {STARTUP_TIMEOUT_S:.0f} s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=STOP_TIMEOUT_S)


def process_tree_cpu_s(pid: int) -> float:
    """User+system CPU seconds of ``pid`` and its live descendants (0 for those already gone)."""
    total = 0.0
    pending = [pid]
    seen: set[int] = set()
    while pending and len(seen) < 10_000:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICKS_PER_S
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                pending.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return total


def machine_busy_s() -> tuple[float, float]:
    """``(busy, total)`` CPU seconds of the whole machine since boot, summed over its cores."""
    first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(value) for value in first[:8]]
    idle = ticks[3] + ticks[4]
    total = sum(ticks)
    return (total - idle) / TICKS_PER_S, total / TICKS_PER_S
