"""Drive the service with wrk: one wrk process per endpoint, all at once, each reporting its own figures.

wrk is C on epoll and costs a few percent of a core at thousands of requests per second, so on two
shared cores it leaves the CPU to the server (a Python load generator would take a core of its own).
A generated Lua script cycles each connection through many requests (different technicians' cookies,
different tracking tokens), counts every answer that is not 200 as an error, optionally waits between
requests (the paced run) and prints a JSON line of results when done.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

RESULT_MARK = "WRK-RESULT "
REQUEST_TIMEOUT_S = 10
GRACE_S = 30.0
"""How long past its duration a wrk process may take before it is killed."""


@dataclass(frozen=True, slots=True)
class Target:
    path: str
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Scenario:
    endpoint: str
    connections: int
    targets: Sequence[Target]


@dataclass(frozen=True, slots=True)
class Pace:
    """Each connection waits a uniformly drawn ``low_ms``..``high_ms`` before each request."""

    low_ms: int
    high_ms: int


@dataclass(frozen=True, slots=True)
class Figures:
    endpoint: str
    clients: int
    requests: int
    errors: int
    duration_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    generator_cpu_s: float

    @property
    def throughput_rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s > 0 else 0.0


def require_wrk() -> str:
    """The path of the ``wrk`` executable, or a clear exit telling how to install it."""
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    return found


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string of ASCII is a valid Lua string literal


def lua_script(targets: Sequence[Target], pace: Pace | None) -> str:
    """The wrk script: rotate through ``targets``, count non-200 answers, print results as JSON."""
    rows = []
    for target in targets:
        headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in target.headers.items())
        rows.append(f"  {{{_lua_string(target.path)}, {{{headers}}}}},")
    delay = ""
    if pace is not None:
        delay = f"function delay()\n  return math.random({pace.low_ms}, {pace.high_ms})\nend\n"
    return (
        "local targets = {\n"
        + "\n".join(rows)
        + "\n}\n"
        + """
threads = {}
unexpected = 0
local prepared = {}
local next_index = 1

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_index", #threads)
end

function init(args)
  for i, target in ipairs(targets) do
    prepared[i] = wrk.format("GET", target[1], target[2])
  end
  math.randomseed(os.time() + (thread_index or 0) * 7919)
  next_index = math.random(#prepared)
end

function request()
  local prepared_request = prepared[next_index]
  next_index = next_index % #prepared + 1
  return prepared_request
end

function response(status, headers, body)
  if status ~= 200 then
    unexpected = unexpected + 1
  end
end
"""
        + delay
        + """
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("unexpected") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    '"""
        + RESULT_MARK
        + """{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, '
    .. '"timeout": %d, "not_200": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, bad,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""
    )


def run_scenarios(
    base_url: str, scenarios: Sequence[Scenario], *, duration_s: int, pace: Pace | None
) -> list[Figures]:
    """Run one wrk per scenario at the same time for ``duration_s``; figures in scenario order."""
    wrk = require_wrk()
    with tempfile.TemporaryDirectory(prefix="dispatch-load-") as folder:
        started = []
        for index, scenario in enumerate(scenarios):
            script = Path(folder) / f"{index}.lua"
            script.write_text(lua_script(scenario.targets, pace))
            output = Path(folder) / f"{index}.out"
            command = [
                wrk,
                "-t1",
                f"-c{scenario.connections}",
                f"-d{duration_s}s",
                f"--timeout={REQUEST_TIMEOUT_S}s",
                "-s",
                str(script),
                base_url,
            ]
            with output.open("wb") as sink:
                process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
            started.append((scenario, process, output))
        deadline = time.monotonic() + duration_s + GRACE_S
        return [_collect(scenario, process, output, deadline) for scenario, process, output in started]


def _collect(scenario: Scenario, process: subprocess.Popen[bytes], output: Path, deadline: float) -> Figures:
    """Wait for one wrk (killing it past ``deadline``), then read its CPU time and its result line."""
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            os.kill(process.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.1)
    process.returncode = os.waitstatus_to_exitcode(status)
    text = output.read_text(errors="replace")
    lines = [line for line in text.splitlines() if line.startswith(RESULT_MARK)]
    if process.returncode != 0 or not lines:
        raise SystemExit(f"wrk for {scenario.endpoint} failed (exit {process.returncode}):\n{text}")
    result = json.loads(lines[-1].removeprefix(RESULT_MARK))
    errors = sum(result[kind] for kind in ("connect", "read", "write", "timeout", "not_200"))
    return Figures(
        endpoint=scenario.endpoint,
        clients=scenario.connections,
        requests=int(result["requests"]),
        errors=int(errors),
        duration_s=result["duration_us"] / 1e6,
        p50_ms=result["p50_us"] / 1000,
        p90_ms=result["p90_us"] / 1000,
        p99_ms=result["p99_us"] / 1000,
        max_ms=result["max_us"] / 1000,
        generator_cpu_s=usage.ru_utime + usage.ru_stime,
    )
