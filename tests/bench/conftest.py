"""Benchmarks on a generated large workspace, each reported as a ratio to a baseline.

Nothing here runs in the normal test run: ``--benchmark-skip`` (pyproject addopts) marks
every test that uses the ``benchmark`` fixture as skipped at collection, so their fixtures,
and with them the large workspace (a session fixture), are never set up. Run them with

    python -m pytest tests/bench --benchmark-enable --benchmark-only -p no:randomly

(``--benchmark-only`` overrides the ``--benchmark-skip`` of addopts). See docs/benchmarks.md.
The scenarios themselves live in benchlib.py, loaded here by path.
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

_LIB = Path(__file__).with_name("benchlib.py")
_spec = importlib.util.spec_from_file_location("keyplan_benchlib", _LIB)
assert _spec is not None and _spec.loader is not None
benchlib = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = benchlib  # dataclasses look their module up
_spec.loader.exec_module(benchlib)

_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Generated:
    workspace: Any  # benchlib.LargeWorkspace
    info: Path  # the same as JSON, for the memory probes


@pytest.fixture(scope="session")
def large_workspace(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """Generated once per session, and only when a benchmark asks for it (lazy)."""
    folder = tmp_path_factory.mktemp("bench")
    workspace = benchlib.generate_large_workspace(folder / "Large.keyplan")
    info = folder / "large.json"
    benchlib.save_info(workspace, info)
    return Generated(workspace, info)


@pytest.fixture(scope="session")
def bench_app(qapp: Any) -> Iterator[Any]:
    """The QApplication (pytest-qt's), set up as the app sets it up (fonts, translations)."""
    from keyplan.ui.app import create_application

    benchlib.hold_none_references()  # see benchlib: PySide6 6.12.0 on Python 3.11
    yield create_application([])


# -- baseline, ratio, memory and the summary table -------------------------------------------


@dataclass
class Row:
    name: str
    median_ms: float
    baseline_median_ms: float
    ratio: float
    peak_rss_mb: float
    baseline_peak_rss_mb: float
    python_peak_mb: float


_ROWS = pytest.StashKey[list[Row]]()


def _probe(name: str, side: str, info: Path) -> dict[str, Any]:
    """Peak RSS of one call in a fresh process (see benchlib.probe)."""
    result = subprocess.run(
        [sys.executable, str(_LIB), "probe", name, side, str(info)],
        cwd=_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"memory probe {name}/{side} failed:\n{result.stderr[-3000:]}")
    measured: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


@dataclass
class Comparison:
    """Times a scenario's baseline and the real thing in the same run; records the ratio."""

    benchmark: Any
    generated: Generated
    folder: Path
    rows: list[Row]

    def run(self, name: str) -> float:
        spec = benchlib.SCENARIOS[name]
        env = benchlib.Env(self.generated.workspace, self.folder)
        extra: dict[str, Any] = {}
        if self.benchmark.disabled:  # --benchmark-disable: each side once, as a smoke test
            for side in ("baseline", "target"):
                built = benchlib.build(name, side, env, extra)
                try:
                    if side == "target":
                        self.benchmark.pedantic(benchlib.once, (built,))
                    else:
                        benchlib.once(built)
                finally:
                    built.close()
            return float("nan")

        baseline = benchlib.build(name, "baseline", env, extra)
        try:
            base_times = benchlib.time_rounds(
                baseline.run,
                setup=baseline.setup,
                teardown=baseline.teardown,
                rounds=spec.rounds,
                warmup_rounds=spec.warmup_rounds,
            )
            base_heap = benchlib.python_heap(baseline)
        finally:
            baseline.close()

        target = benchlib.build(name, "target", env, extra)
        try:
            self.benchmark.pedantic(
                target.run,
                setup=target.setup,
                teardown=target.teardown,
                rounds=spec.rounds,
                warmup_rounds=spec.warmup_rounds,
            )
            heap = benchlib.python_heap(target)
        finally:
            target.close()

        memory = _probe(name, "target", self.generated.info)
        base_memory = _probe(name, "baseline", self.generated.info)

        median = self.benchmark.stats.stats.median
        base_median = statistics.median(base_times)
        ratio = median / base_median
        info = self.benchmark.extra_info
        info.update(extra)
        info.update(
            ratio_vs_baseline=round(ratio, 2),
            median_ms=round(median * 1000, 3),
            baseline_median_ms=round(base_median * 1000, 3),
            baseline_min_ms=round(min(base_times) * 1000, 3),
            rounds=spec.rounds,
            peak_rss_delta_mb=memory["peak_rss_delta_mb"],
            peak_rss_mb=memory["peak_rss_mb"],
            baseline_peak_rss_delta_mb=base_memory["peak_rss_delta_mb"],
            memory_method=memory["method"],
            python_peak_mb=heap["python_peak_mb"],
            baseline_python_peak_mb=base_heap["python_peak_mb"],
            none_refs_lost_per_call=heap["none_refs_lost_per_call"],
            baseline_none_refs_lost_per_call=base_heap["none_refs_lost_per_call"],
        )
        self.rows.append(
            Row(
                name=self.benchmark.name,
                median_ms=median * 1000,
                baseline_median_ms=base_median * 1000,
                ratio=ratio,
                peak_rss_mb=memory["peak_rss_delta_mb"],
                baseline_peak_rss_mb=base_memory["peak_rss_delta_mb"],
                python_peak_mb=heap["python_peak_mb"],
            )
        )
        return ratio


@pytest.fixture
def compare(
    benchmark: Any,
    request: pytest.FixtureRequest,
    large_workspace: Generated,
    bench_app: Any,
    tmp_path: Path,
) -> Comparison:
    rows = request.config.stash.setdefault(_ROWS, [])
    return Comparison(benchmark, large_workspace, tmp_path, rows)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    rows = config.stash.get(_ROWS, [])
    if not rows:
        return
    tr = terminalreporter
    tr.section("keyplan benchmarks: ratio to a baseline measured in the same run")
    header = (
        f"{'benchmark':<34} {'median ms':>10} {'baseline ms':>12} {'ratio':>9} "
        f"{'peak RSS MB':>12} {'base RSS MB':>12} {'py heap MB':>11}"
    )
    tr.write_line(header)
    tr.write_line("-" * len(header))
    for row in rows:
        tr.write_line(
            f"{row.name:<34} {row.median_ms:>10.2f} {row.baseline_median_ms:>12.3f} "
            f"{row.ratio:>8.1f}x {row.peak_rss_mb:>12.1f} {row.baseline_peak_rss_mb:>12.1f} "
            f"{row.python_peak_mb:>11.1f}"
        )
    tr.write_line(
        "ratio: median / baseline median. peak RSS MB: peak resident memory of one first call "
        "in a fresh process, above its RSS just before the call. py heap MB: tracemalloc peak "
        f"of Python allocations in one call. {os.cpu_count()} CPUs."
    )
