"""The benchmark run: generate inputs, measure ingest, the limit, the peer, scaling, detections.

Every measurement runs in a subprocess whose process tree is sampled for memory; each
runs `repeat` times and the median is reported. The result is plain data (`Result`),
rendered as one table and saved as JSON by `bench.report`.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from auditlake.lake import Lake
from bench import targets
from bench.lakegen import LAKE_VERSION, generate_lake
from bench.logs import SOURCE_BY_NAME, LogStats, Source, generate
from bench.measure import CommandFailed, Measurement, Run, repeat, run, self_timed

GENERATOR_VERSION = 1  # bump when a log generator's output changes, to drop cached logs
REPO = Path(__file__).resolve().parent.parent
MB = 1_000_000  # throughput is in MB/s (10^6 bytes), as PERFORMANCE.md reports it
SCALE_FACTORS = (1, 2, 4)
SCALE_SOURCE = "auditd-enriched"
LIMIT_DELIMITER = "\x01"  # a byte none of the generated logs holds (see bench.probe)

Log = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Options:
    """What to run, at which size, where to cache inputs."""

    workdir: Path
    size_mb: float = 200.0
    repeat: int = 3
    events: int = 20_000_000
    sources: tuple[str, ...] = tuple(SOURCE_BY_NAME)
    scale_mb: float = 50.0  # the 1x size of the scaling series
    sections: tuple[str, ...] = ("ingest", "scaling", "detect")
    seed: int = 7


@dataclass(slots=True)
class Row:
    """One line of the result table (None: not applicable or not measured)."""

    section: str  # ingest | scaling | detect
    name: str
    seconds: float | None = None
    peak_rss: int | None = None
    cpu_seconds: float | None = None  # user + system of the process tree (ingest rows)
    mb: float | None = None
    lines: int | None = None
    events: int | None = None
    records: int | None = None
    rejects: int | None = None
    runs: list[float] = field(default_factory=list)
    limit_seconds: float | None = None
    ausearch_seconds: float | None = None
    ausearch_peak_rss: int | None = None
    verdicts: dict[str, str] = field(default_factory=dict)
    note: str | None = None  # why something is missing, or an error

    @property
    def key(self) -> str:
        return f"{self.section}:{self.name}"

    def rate(self, amount: float | None) -> float | None:
        if amount is None or not self.seconds:
            return None
        return amount / self.seconds

    @property
    def vs_limit(self) -> float | None:
        """auditlake's speed as a fraction of the limit's (limit time / auditlake time)."""
        return self.limit_seconds / self.seconds if self.limit_seconds and self.seconds else None

    @property
    def vs_ausearch(self) -> float | None:
        """auditlake's speed relative to ausearch's (>1: auditlake is faster)."""
        if self.ausearch_seconds and self.seconds:
            return self.ausearch_seconds / self.seconds
        return None

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.update(
            key=self.key,
            mb_s=self.rate(self.mb),
            lines_s=self.rate(self.lines),
            events_s=self.rate(self.events),
            vs_limit=self.vs_limit,
            vs_ausearch=self.vs_ausearch,
        )
        return doc


@dataclass(slots=True)
class Result:
    """Everything one benchmark run measured."""

    meta: dict[str, Any]
    rows: list[Row] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when a measurement errored (a missed target is a result, not a failure)."""
        return any(r.note and r.note.startswith("error") for r in self.rows)

    def to_json(self) -> dict[str, Any]:
        return {"meta": self.meta, "rows": [r.to_json() for r in self.rows]}


def python() -> str:
    return sys.executable


@functools.cache
def auditlake_bin() -> str | None:
    """The `auditlake` console script next to this interpreter, if its `ingest` exists."""
    path = Path(sys.executable).with_name("auditlake")
    exe = str(path) if path.exists() else shutil.which("auditlake")
    if exe is None:
        return None
    probe = subprocess.run([exe, "ingest", "--help"], capture_output=True, check=False)
    return exe if probe.returncode == 0 else None


def ausearch_bin() -> str | None:
    return shutil.which("ausearch")


def input_file(opts: Options, source: Source, size_mb: float, log: Log) -> tuple[Path, LogStats]:
    """The generated log of `source` at `size_mb`, from the cache when it is there."""
    folder = opts.workdir / "logs" / f"v{GENERATOR_VERSION}-seed{opts.seed}-{size_mb:g}mb"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / source.filename
    meta = path.with_name(path.name + ".stats.json")
    if path.exists() and meta.exists():
        return path, LogStats(**json.loads(meta.read_text()))
    log(f"generating {source.name} ({size_mb:g} MB) in {folder}")
    stats = generate(source, path, int(size_mb * MB), opts.seed)
    # An hour-old file is closed (not still growing): ingest reads it to the end, as a
    # nightly job reads rotated logs.
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))
    meta.write_text(json.dumps(asdict(stats)))
    return path, stats


def lake_counts(root: Path) -> dict[str, int]:
    """Rows per table of a lake, from the Parquet footers of its published parts."""
    lake = Lake(root)
    manifest = lake.read_manifest()
    return {
        table: sum(pq.read_metadata(root / part).num_rows for part in parts)
        for table, parts in manifest.parts.items()
    }


def measure_ingest(
    opts: Options, exe: str, path: Path, fmt: str
) -> tuple[Measurement, dict[str, int]]:
    """Ingest `path` into a fresh lake `repeat` times; return the median and the row counts."""
    counts: dict[str, int] = {}
    lake_root = opts.workdir / "lakes" / "ingest"

    def once() -> Run:
        nonlocal counts
        shutil.rmtree(lake_root, ignore_errors=True)
        result = run(
            [exe, "ingest", str(path), "--lake", str(lake_root), "--format", fmt, "--quiet"]
        )
        counts = lake_counts(lake_root)
        return result

    try:
        return repeat(opts.repeat, once), counts
    finally:
        shutil.rmtree(lake_root, ignore_errors=True)


def measure_limit(opts: Options, path: Path, stats: LogStats) -> Measurement:
    """DuckDB's whole-line read of `path` (the time the probe measured itself)."""
    argv = [python(), "-m", "bench.probe", "limit", str(path), LIMIT_DELIMITER]
    measured = repeat(opts.repeat, lambda: run(argv, cwd=REPO), self_timed)
    read = json.loads(measured.stdout.strip().splitlines()[-1])
    if read["lines"] != stats.lines or read["bytes"] + stats.lines != stats.bytes:
        raise CommandFailed(f"DuckDB did not read {path} as whole lines: {read}")
    return measured


def measure_ausearch(opts: Options, exe: str, path: Path) -> Measurement:
    argv = [exe, "-if", str(path), "--format", "csv"]
    return repeat(opts.repeat, lambda: run(argv, capture=False))


def ingest_row(
    opts: Options, source: Source, size_mb: float, section: str, name: str, log: Log
) -> Row:
    """Measure one source at one size: auditlake ingest, the limit and (auditd) ausearch."""
    path, stats = input_file(opts, source, size_mb, log)
    row = Row(section, name, mb=stats.bytes / MB, lines=stats.lines)
    exe = auditlake_bin()
    try:
        if section == "ingest":
            log(f"{name}: DuckDB whole-line read x{opts.repeat}")
            row.limit_seconds = measure_limit(opts, path, stats).seconds
            aus = ausearch_bin()
            if source.is_auditd and aus:
                log(f"{name}: ausearch --format csv x{opts.repeat}")
                peer = measure_ausearch(opts, aus, path)
                row.ausearch_seconds, row.ausearch_peak_rss = peer.seconds, peer.peak_rss
            elif source.is_auditd:
                row.note = "ausearch not installed (Debian: apt-get install auditd)"
        if exe is None:
            row.note = "error: `auditlake ingest` is not available"
            return row
        log(f"{name}: auditlake ingest --format {source.format} x{opts.repeat}")
        measured, counts = measure_ingest(opts, exe, path, source.format)
    except CommandFailed as exc:
        row.note = f"error: {exc}"
        return row
    row.seconds, row.peak_rss, row.runs = measured.seconds, measured.peak_rss, list(measured.runs)
    row.cpu_seconds = measured.cpu_seconds
    row.events, row.records = counts.get("events"), counts.get("auditd_records")
    row.rejects = counts.get("rejects")
    if section == "ingest":
        fmt_target = targets.VS_LIMIT[source.format]
        row.verdicts[fmt_target.label] = fmt_target.verdict(row.vs_limit)
        if source.is_auditd:
            row.verdicts[targets.VS_AUSEARCH.label] = targets.VS_AUSEARCH.verdict(row.vs_ausearch)
        row.verdicts[targets.PEAK_RSS.label] = targets.PEAK_RSS.verdict(row.peak_rss)
    return row


def scaling_rows(opts: Options, log: Log) -> list[Row]:
    """Ingest the same source at 1x, 2x, 4x: time must grow linearly, memory stay flat."""
    source = SOURCE_BY_NAME[SCALE_SOURCE]
    rows = [
        ingest_row(opts, source, opts.scale_mb * f, "scaling", f"{source.name} x{f}", log)
        for f in SCALE_FACTORS
    ]
    base, top = rows[0], rows[-1]
    if base.seconds and top.seconds and base.mb and top.mb and base.peak_rss and top.peak_rss:
        growth = (top.seconds / top.mb) / (base.seconds / base.mb)
        top.verdicts[targets.SCALING_TIME.label] = targets.SCALING_TIME.verdict(growth)
        top.verdicts[targets.SCALING_RSS.label] = targets.SCALING_RSS.verdict(
            top.peak_rss / base.peak_rss
        )
        top.note = f"s/MB x{growth:.2f}, peak RSS x{top.peak_rss / base.peak_rss:.2f} vs x1"
    return rows


def detection_lake(opts: Options, log: Log) -> Path:
    """The generated lake of `opts.events` events, from the cache when it is there."""
    root = opts.workdir / f"lake-v{LAKE_VERSION}-seed{opts.seed}-{opts.events}"
    done = root / "_state" / "bench-complete"
    if not done.exists():
        shutil.rmtree(root, ignore_errors=True)
        log(f"generating a lake of {opts.events:,} events in {root}")
        counts = generate_lake(root, opts.events, opts.seed)
        done.write_text(json.dumps(counts))
    return root


def detection_rows(opts: Options, log: Log) -> list[Row]:
    """Time every detection over the generated lake: medians of `repeat` runs of all."""
    root = detection_lake(opts, log)
    events = json.loads((root / "_state" / "bench-complete").read_text())["events"]
    argv = [python(), "-m", "bench.probe", "detect", str(root)]
    log(f"detections over {events:,} events x{opts.repeat}")
    try:
        runs = [json.loads(run(argv, cwd=REPO).stdout) for _ in range(opts.repeat)]
    except CommandFailed as exc:
        return [Row("detect", "all", note=f"error: {exc}")]
    setup = Row("detect", "setup (views, policy)", events=events)
    _set_medians(setup, [r["setup"] for r in runs])
    rows = [setup]
    for detection_id in runs[0]["detections"]:
        row = Row("detect", detection_id, events=events)
        _set_medians(row, [r["detections"][detection_id] for r in runs])
        row.note = f"{runs[-1]['detections'][detection_id]['rows']} findings"
        row.verdicts[targets.DETECTION_SECONDS.label] = targets.DETECTION_SECONDS.verdict(
            row.seconds
        )
        rows.append(row)
    return rows


def _set_medians(row: Row, steps: list[dict[str, Any]]) -> None:
    row.runs = [s["seconds"] for s in steps]
    row.seconds = statistics.median(row.runs)
    # shown, not judged: PERFORMANCE.md bounds the memory of ingest, not of detect
    row.peak_rss = int(statistics.median(s["peak_rss"] for s in steps))


def run_suite(opts: Options, meta: dict[str, Any], log: Log) -> Result:
    """Run the sections of `opts`; a failing measurement is noted in its row, not raised."""
    opts.workdir.mkdir(parents=True, exist_ok=True)
    result = Result(meta)
    if "ingest" in opts.sections:
        for name in opts.sources:
            result.rows.append(
                ingest_row(opts, SOURCE_BY_NAME[name], opts.size_mb, "ingest", name, log)
            )
    if "scaling" in opts.sections:
        result.rows.extend(scaling_rows(opts, log))
    if "detect" in opts.sections:
        result.rows.extend(detection_rows(opts, log))
    return result
