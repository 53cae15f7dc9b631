"""One ingest run: lock, clean up, discover, plan, read in parallel, publish once.

The run's parts, the advanced file states and the new gaps become visible together in
one manifest replacement; until then readers see the previous state, and a run that
dies leaves only unlisted files behind, which the next run deletes.
"""

from __future__ import annotations

import ctypes
import dataclasses
import fcntl
import multiprocessing
import os
import queue
import re
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from pathlib import Path

from auditlake.ingest import checkpoints
from auditlake.ingest.checkpoints import UNKNOWN_FORMAT, FileState, Gap
from auditlake.ingest.discover import Skipped, check_roots, compile_template, discover
from auditlake.ingest.no_pandas import skip_pandas_check
from auditlake.ingest.plan import (
    SAME_CONTENT,
    ZONELESS_FORMATS,
    Plan,
    find_content_host,
    plan_files,
    zone,
    zone_name,
)
from auditlake.ingest.readers import Limits, read_around, stream_size
from auditlake.ingest.worker import Counts, WorkerResult, advance, read_plans
from auditlake.parsers import registry

from auditlake.errors import LakeLockedError
from auditlake.lake import TABLES, Lake


@dataclass(slots=True)
class Tally:
    """Progress of the reading phase, for a progress bar."""

    bytes_done: int = 0
    bytes_total: int = 0
    files_done: int = 0
    files_total: int = 0

    def add(self, nbytes: int, nfiles: int) -> None:
        self.bytes_done += nbytes
        self.files_done += nfiles


ProgressFn = Callable[[Tally], None]
PR_SET_PDEATHSIG = 1  # linux/prctl.h
AUTO_JOB_BYTES = 8 << 20
PROGRESS_SECONDS = 0.2  # how often a parallel read reports progress
RANGE_BYTES = 8 << 20  # a file is split into ranges of at least this size
_NODE = re.compile(rb"(?m)^node=")  # auditd's name_format prefix naming the host


@dataclass(slots=True)
class IngestOptions:
    """Everything `auditlake ingest` can be told."""

    roots: list[Path]
    lake: Path
    host: str | None = None
    host_from: str | None = None
    format: str | None = None
    jobs: int = 0  # 0: one per CPU, fewer for small inputs
    limits: Limits = field(default_factory=Limits)
    strict: bool = False
    tz: tzinfo = UTC  # the zone of timestamps written without one (RFC3164, ...)


@dataclass(slots=True)
class IngestReport:
    """What a run did (or, for a dry run, would do)."""

    plans: list[Plan]
    skipped: list[Skipped]
    counts: Counts = field(default_factory=Counts)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    # growing files (written less than IDLE_SECONDS ago): bytes at their end that the
    # parser held back (a last line or an event that may still get more), by path
    held_back: dict[str, int] = field(default_factory=dict)

    def not_read(self) -> list[tuple[str, str]]:
        """Return (path, reason) for every file not read (empty files aside)."""
        out = [(str(s.path), s.reason) for s in self.skipped]
        out += [
            (str(p.path), p.note) for p in self.plans if p.action == "skip" and p.note != "empty"
        ]
        return out


def check_options(options: IngestOptions) -> None:
    """Raise InputError for a missing root, a bad --host-from or an unknown --format."""
    check_roots(options.roots)
    if options.host_from:
        compile_template(options.host_from)
    if options.format:
        registry.get(options.format)


@contextmanager
def locked(lake: Lake) -> Iterator[None]:
    """Hold the lake's writer lock; fail at once if another writer holds it."""
    lake.state.mkdir(parents=True, exist_ok=True)
    path = lake.state / "lock"
    with open(path, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "unknown"
            raise LakeLockedError(
                f"another ingest or compact is writing this lake (pid {holder}); "
                "wait for it to finish",
                str(path),
            ) from None
        f.seek(0)
        f.truncate()
        f.write(f"{os.getpid()}\n")
        f.flush()
        try:
            yield
        finally:
            f.truncate(0)


def clean_leftovers(lake: Lake) -> list[Path]:
    """Delete parts and temporary files that no manifest lists (a killed run's).

    Call only while holding the lock: another writer's staged parts look the same.
    """
    listed = {p for parts in lake.read_manifest().parts.values() for p in parts}
    removed = []
    for table in TABLES:
        base = lake.root / table
        if not base.is_dir():
            continue
        for path in base.rglob("*.parquet*"):
            if path.relative_to(lake.root).as_posix() not in listed:
                path.unlink()
                removed.append(path)
    for tmp in lake.state.glob(".*.tmp"):
        tmp.unlink()
        removed.append(tmp)
    return removed


def plan_run(options: IngestOptions, lake: Lake, content_hosts: bool = False) -> IngestReport:
    """Discover and plan without reading; `content_hosts` previews each file's host."""
    template = compile_template(options.host_from) if options.host_from else None
    found, skipped = discover(options.roots, options.host, template, exclude=lake.root)
    states = checkpoints.load(lake.read_manifest())[0] if lake.exists() else {}
    plans = plan_files(found, states, options.limits, options.format)
    for plan in plans:
        # a file read before keeps the zone of its first read
        plan.tz = zone(plan.prior.tz) if plan.prior and plan.prior.tz else options.tz
    for plan in plans if content_hosts else ():
        plan.content_host = find_content_host(plan)
    warnings = _host_warnings(plans) + _zone_warnings(plans, options.tz)
    return IngestReport(plans, skipped, warnings=warnings)


def _host_warnings(plans: list[Plan]) -> list[str]:
    """Warn (once) when new auditd files name no host, so the directory names it."""
    named = [
        p
        for p in plans
        if p.action == "read"
        and p.start == 0
        and p.format == "auditd"
        and p.host_source == "directory"
        and not _NODE.search(p.head)
    ]
    if not named:
        return []
    return [
        f"warning: {len(named)} auditd file(s) carry no node= in their lines, so their host "
        f"comes from the directory (e.g. {named[0].host} for {named[0].path}); if that is "
        "wrong, pass --host or --host-from, and set name_format = hostname in auditd.conf"
    ]


def _zone_warnings(plans: list[Plan], tz: tzinfo) -> list[str]:
    """Warn (once) when files read before keep another zone than this run's --tz."""
    kept = [
        p
        for p in plans
        if p.action == "read" and p.format in ZONELESS_FORMATS and zone_name(p.tz) != zone_name(tz)
    ]
    if not kept:
        return []
    return [
        f"warning: {len(kept)} file(s) read before keep the zone of their first read for "
        f"timestamps written without one (e.g. {zone_name(kept[0].tz)} for {kept[0].path}), "
        f"not --tz {zone_name(tz)}: a file's times stay in one zone"
    ]


def ingest(options: IngestOptions, progress: ProgressFn | None = None) -> IngestReport:
    """Run one ingest: read what is new under the roots and publish it atomically."""
    started = time.monotonic()
    check_options(options)  # before init: a typo must not leave an empty lake behind
    lake = Lake(options.lake)
    lake.init()
    with locked(lake):
        clean_leftovers(lake)
        report = plan_run(options, lake)
        for plan in report.plans:
            if plan.note == UNKNOWN_FORMAT:
                _record_unread(plan, options.limits)
        todo = [p for p in report.plans if p.action == "read"]
        try:
            results = _read_all(options, todo, progress)
            for result in results:
                report.skipped.extend(Skipped(Path(p), why) for p, why in result.vanished)
            _publish(lake, report, options.roots, results)
        except BaseException:
            clean_leftovers(lake)  # this run's staged parts; the manifest is untouched
            raise
        for result in results:
            report.counts.add(result.counts)
        report.counts.gaps += sum(len(p.gaps) for p in report.plans)
    report.seconds = time.monotonic() - started
    return report


def _record_unread(plan: Plan, limits: Limits) -> None:
    """Account a file of unknown format as one gap over all its bytes.

    Its state records no format, so the next run looks at it again: when `--format`
    then names a parser, the file is read from its start and the gap is dropped.
    """
    try:
        end = stream_size(plan.path, limits) if plan.compression else plan.stat[2]
        plan.unread = advance(plan, end, b"", 0, limits)
    except OSError as exc:  # rotated away or deleted since planning: next run sees it
        plan.note = f"vanished ({exc.strerror})"
        return
    plan.gaps.append(Gap(plan.file_id, plan.path.as_posix(), 0, end, UNKNOWN_FORMAT))


def _publish(
    lake: Lake, report: IngestReport, roots: list[Path], results: list[WorkerResult]
) -> None:
    manifest = lake.read_manifest()
    states, gaps = checkpoints.load(manifest)
    # a file of unknown format before is one gap; this run reads it or records it anew
    again = {p.file_id for p in report.plans if p.prior is not None and not p.prior.format}
    gaps = [g for g in gaps if not (g.file_id in again and g.reason == UNKNOWN_FORMAT)]
    for plan in report.plans:
        gaps.extend(plan.gaps)
        if plan.unread is not None:
            states[plan.file_id] = plan.unread
        if plan.action == "unchanged" and plan.prior is not None:
            states[plan.file_id] = _renamed(plan.prior, plan)
    added: dict[str, list[str]] = {t: [] for t in TABLES}
    for result in results:
        for table, rels in result.staged.items():
            added[table].extend(rels)
        for state in result.states:
            states[state.file_id] = state
            if not state.final and state.stat and state.stat[2] > state.offset:
                report.held_back[state.path] = state.stat[2] - state.offset
        gaps.extend(result.gaps)
    skipped = _skipped_paths(checkpoints.load_skipped(manifest), report, roots)
    lake.publish(added, extra=checkpoints.dump(states, gaps, skipped))


def _skipped_paths(
    before: dict[str, str], report: IngestReport, roots: list[Path]
) -> dict[str, str]:
    """Return the paths not read, by path: this run's, and earlier runs' outside its roots.

    Not listed: files of unknown format (their state and gap account for them) and
    copies of content read under another name.
    """
    under = [r.absolute() for r in roots]
    kept = {
        path: why
        for path, why in before.items()
        if not any(Path(path) == r or r in Path(path).parents for r in under)
    }
    kept.update(
        (path, why)
        for path, why in report.not_read()
        if why != UNKNOWN_FORMAT and not why.startswith(SAME_CONTENT)
    )
    return kept


def _renamed(prior: FileState, plan: Plan) -> FileState:
    """Return `prior` under the plan's current name and stat (content unchanged)."""
    path = plan.path.as_posix()
    paths = prior.paths if path in prior.paths else [*prior.paths, path]
    final = prior.final or plan.final
    return FileState(
        **{**prior.to_json(), "path": path, "stat": plan.stat, "final": final, "paths": paths}
    )


def _read_all(
    options: IngestOptions, plans: list[Plan], progress: ProgressFn | None
) -> list[WorkerResult]:
    if not plans:
        return []
    total = sum(_todo_bytes(p) for p in plans)
    # a worker costs about 0.3 s to start: by default, one per AUTO_JOB_BYTES of input
    auto = min(os.cpu_count() or 1, 1 + total // AUTO_JOB_BYTES)
    jobs = options.jobs or auto
    if jobs > 1:
        plans = [r for plan in plans for r in split_ranges(plan, jobs)]
    jobs = min(jobs, len(plans))
    root = str(options.lake)
    tally = Tally(0, total, 0, sum(p.end is None for p in plans))
    if jobs <= 1:

        def step(nbytes: int, nfiles: int) -> None:
            tally.add(nbytes, nfiles)
            if progress:
                progress(tally)

        return [read_plans(root, plans, options.limits, options.strict, step)]
    return _read_parallel(root, options, plans, jobs, tally, progress)


def split_ranges(plan: Plan, jobs: int) -> list[Plan]:
    """Cut a large, closed, plain file into ranges where its parser says no row spans.

    Each range is parsed by its own parser instance; rows keep their file offsets, so
    ids and provenance are those of a whole-file read. Only the last range carries the
    file's new state, and all ranges are published together.
    """
    size = plan.stat[2]
    if not plan.final or plan.compression or size - plan.start < 2 * RANGE_BYTES:
        return [plan]
    parser = registry.get(plan.format or "")
    n = min(jobs * 2, (size - plan.start) // RANGE_BYTES)
    step = (size - plan.start) // n
    cuts = [plan.start]
    for k in range(1, n):
        planned = plan.start + k * step
        start, window = read_around(plan.path, planned, parser.cut_context)
        try:
            found = parser.find_cut(window, planned - start)
        except Exception:  # a parser bug: no cut here, and the range is only longer
            found = None
        cut = None if found is None else start + found
        if cut is not None and cuts[-1] < cut < size:
            cuts.append(cut)
    ends: list[int | None] = [*cuts[1:], None]
    return [dataclasses.replace(plan, start=a, end=b) for a, b in zip(cuts, ends, strict=True)]


def _todo_bytes(plan: Plan) -> int:
    return (plan.stat[2] if plan.end is None else plan.end) - plan.start


def _bins(plans: list[Plan], n: int) -> list[list[Plan]]:
    """Split plans into `n` lists of about equal bytes (largest first, to the lightest)."""
    bins: list[list[Plan]] = [[] for _ in range(n)]
    weights = [0] * n
    for plan in sorted(plans, key=_todo_bytes, reverse=True):
        i = weights.index(min(weights))
        bins[i].append(plan)
        weights[i] += _todo_bytes(plan)
    return [b for b in bins if b]


_progress_queue: multiprocessing.Queue[tuple[int, int]] | None = None


def _init_worker(q: multiprocessing.Queue[tuple[int, int]], parent: int) -> None:
    """Die with the parent (a killed ingest must not leave workers writing parts); no pandas."""
    global _progress_queue
    _progress_queue = q
    skip_pandas_check()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _report(nbytes: int, nfiles: int) -> None:
    if _progress_queue is not None:
        _progress_queue.put((nbytes, nfiles))


def _work(root: str, plans: list[Plan], limits: Limits, strict: bool) -> WorkerResult:
    return read_plans(root, plans, limits, strict, _report)


def _read_parallel(
    root: str,
    options: IngestOptions,
    plans: list[Plan],
    jobs: int,
    tally: Tally,
    progress: ProgressFn | None,
) -> list[WorkerResult]:
    # spawn: workers are direct children (so PR_SET_PDEATHSIG applies) and inherit
    # neither the parent's threads nor its lock descriptor
    ctx = multiprocessing.get_context("spawn")
    q: multiprocessing.Queue[tuple[int, int]] = ctx.Queue()
    init = (q, os.getpid())
    with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker, initargs=init) as pool:
        futures: list[Future[WorkerResult]] = [
            pool.submit(_work, root, chunk, options.limits, options.strict)
            for chunk in _bins(plans, jobs)
        ]
        pending = set(futures)
        while pending:
            # returns the moment the last worker is done: no poll interval ends the run
            _, pending = wait(pending, timeout=PROGRESS_SECONDS)
            _take_progress(q, tally)
            if progress:
                progress(tally)
        return [f.result() for f in futures]


def _take_progress(q: multiprocessing.Queue[tuple[int, int]], tally: Tally) -> None:
    """Add the workers' progress reports that have arrived to the tally."""
    while True:
        try:
            tally.add(*q.get_nowait())
        except queue.Empty:
            return
