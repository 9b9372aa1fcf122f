"""Speed and memory: per-lookup latency, index build time, peak memory, `app.py ask` cold start.

Latency is timed per call (perf_counter_ns) over many passes of every question, after a
warm-up pass, so p99 reflects the slow questions and the odd GC pause rather than one average.
"""

from __future__ import annotations

import gc
import math
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

SDK_PREFIXES = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "aiohttp")
COLD_START_QUESTION = "can I text a student?"


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: an observed value, never an interpolation."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(len(ordered) * pct / 100))
    return ordered[rank - 1]


def latency_ms(lookup: Callable[[str], object], questions: Sequence[str], reps: int):
    """(p50, p99) in milliseconds over `reps` passes of all questions, after one warm-up pass."""
    for q in questions:
        lookup(q)
    samples = []
    clock = time.perf_counter_ns
    for _ in range(reps):
        for q in questions:
            start = clock()
            lookup(q)
            samples.append(clock() - start)
    return percentile(samples, 50) / 1e6, percentile(samples, 99) / 1e6


def build_ms(build: Callable[[], object], runs: int = 5) -> float:
    """Median wall time of `runs` builds; the caller has built once already (imports warm)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        build()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def peak_python_mb(build: Callable[[], object], questions: Sequence[str]) -> float:
    """tracemalloc peak while building the index and answering every question once.

    Modules are already imported, so this is the index and the lookups, not the interpreter.
    """
    gc.collect()
    tracemalloc.start()
    try:
        system = build()
        for q in questions:
            system.rank(q)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def model_load_ms(runs: int = 5) -> float:
    """Median time to read and parse policies/edc/ranker.json into the served model."""
    from knowledge.curated import load_curated
    from knowledge.features import Featurizer
    from knowledge.model import MODEL_FILE, load_model
    from knowledge.policy import load_policy

    featurizer = Featurizer(load_curated(load_policy(), questions=False).synonyms)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        load_model(MODEL_FILE, featurizer)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


@dataclass(frozen=True)
class ColdStart:
    median_s: float | None = None
    max_rss_mb: float | None = None
    sdk_modules: tuple[str, ...] = ()
    error: str = ""


def cold_start(repo: Path, runs: int = 5) -> ColdStart:
    """Median wall time of `python app.py ask "…"` as a fresh process, and its max RSS.

    RUSAGE_CHILDREN's ru_maxrss is the largest of the waited-for children (KiB on Linux); the
    bench starts no other child before this, so it is the `ask` process's own peak.
    """
    cmd = [sys.executable, "app.py", "ask", COLD_START_QUESTION]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=repo, capture_output=True, text=True, timeout=60)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            return ColdStart(error=_last_line(proc.stderr) or f"exit status {proc.returncode}")
    rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return ColdStart(statistics.median(times), rss_kib / 1024, _sdk_modules(repo))


_PROBE = """
import sys
sys.argv = ["app.py", "ask", {question!r}]
sys.path.insert(0, ".")
import app
app.main(sys.argv[1:])
mods = sorted(m for m in sys.modules if m.split(".")[0].startswith({prefixes!r}))
print("SDK-MODULES:" + ",".join(mods), file=sys.stderr)
"""


def _sdk_modules(repo: Path) -> tuple[str, ...]:
    """Top-level Slack/Teams/aiohttp modules that the `ask` path imported (should be none)."""
    code = _PROBE.format(question=COLD_START_QUESTION, prefixes=SDK_PREFIXES)
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, timeout=60
    )
    for line in proc.stderr.splitlines():
        if line.startswith("SDK-MODULES:"):
            found = line.removeprefix("SDK-MODULES:").split(",")
            return tuple(sorted({m.split(".")[0] for m in found if m}))
    return ("(probe failed)",)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""
