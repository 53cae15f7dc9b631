"""The command line: parse options, call one library function, render the result.

The only module that imports click. Library errors (`AuditlakeError`) become one
`Error: ...` line on stderr and exit code 2; tracebacks only with `--debug`.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from auditlake.errors import AuditlakeError

if TYPE_CHECKING:
    from auditlake.ingest.pipeline import Tally

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AuditlakeError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            from auditlake.render import escape_terminal

            # paths, parser failures and rejected lines in messages come from the logs
            click.echo(f"Error: {escape_terminal(exc)}", err=True)
            ctx.exit(EXIT_ERROR)


@click.group(cls=_Group)
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(package_name="auditlake")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Container-host security logs to Parquet, SQL detections, investigation."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


# --- ingest, verify, compact (owner: ingest) ---------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--lake", required=True, type=click.Path(path_type=Path), help="Lake directory.")
@click.option("--host", help="Host for files whose content names none.")
@click.option("--host-from", help="Path template naming the host, e.g. '{host}/...'.")
@click.option("--format", "fmt", help="Parser to use instead of sniffing (e.g. auditd).")
@click.option(
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    help="Worker processes (0: one per CPU, fewer for small inputs).",
)
@click.option(
    "--max-line",
    type=click.IntRange(min=1024),
    default=1 << 20,
    show_default=True,
    help="Longest line parsed, in bytes; a longer line becomes a reject.",
)
@click.option(
    "--tz",
    default="UTC",
    show_default=True,
    help="IANA zone of timestamps written without one (RFC3164 syslog, journald short).",
)
@click.option("--strict", is_flag=True, help="Stop at the first rejected line.")
@click.option("--dry-run", is_flag=True, help="List what would be read; read nothing.")
@click.option("--quiet", is_flag=True, help="No progress and no summary (skips still shown).")
@click.option("--json-summary", is_flag=True, help="Print the summary as JSON on stdout.")
def ingest(
    paths: tuple[Path, ...], lake: Path, fmt: str | None, max_line: int, tz: str, **kw: Any
) -> None:
    """Read log files and directories into the lake (incremental, exactly once)."""
    from auditlake.ingest import pipeline, summary
    from auditlake.ingest.no_pandas import skip_pandas_check
    from auditlake.ingest.plan import zone
    from auditlake.ingest.readers import Limits
    from auditlake.lake import Lake

    skip_pandas_check()  # this process only ingests (see ingest/no_pandas.py)
    dry_run, quiet, as_json = kw.pop("dry_run"), kw.pop("quiet"), kw.pop("json_summary")
    limits = Limits(max_line=max_line)
    options = pipeline.IngestOptions(
        list(paths), lake, format=fmt, limits=limits, tz=zone(tz), **kw
    )
    if dry_run:
        plans = pipeline.plan_run(options, Lake(lake), content_hosts=True)
        click.echo("\n".join(summary.dry_run_lines(plans)))
        for line in summary.warnings(plans):
            click.echo(line, err=True)
        return
    bar = _ProgressBar() if sys.stderr.isatty() and not quiet else None
    report = pipeline.ingest(options, bar)
    if bar:
        bar.close()
    for line in summary.notices(report):  # also with --quiet: files not read must show
        click.echo(line, err=True)
    if as_json:
        click.echo(json.dumps(summary.as_dict(report)))
    elif not quiet:
        click.echo(summary.summary_line(report), err=True)


@cli.command()
@click.option("--lake", required=True, type=click.Path(path_type=Path), help="Lake directory.")
def verify(lake: Path) -> None:
    """Prove every byte read is in a row, a reject or a gap, exactly once (exit 1 if not).

    Files the last runs skipped are listed too; they do not fail the check (a file of
    unknown format is one recorded gap with its reason).
    """
    from auditlake import render
    from auditlake.ingest.verify import as_table, verify

    checks = verify(lake)
    click.echo(render.table(*as_table(checks), max_width=100))
    bad = [c for c in checks if not c.ok]
    skipped = sum(bool(c.skipped) for c in checks)
    line = f"verify: {len(checks) - skipped} files, {len(bad)} with problems"
    line += f", {skipped} not read (see verdict)" if skipped else ""
    click.echo(line, err=True)
    if bad:
        # 1 like detect's findings: the check ran and found something; 2 is for errors
        sys.exit(EXIT_FINDINGS)


@cli.command()
@click.option("--lake", required=True, type=click.Path(path_type=Path), help="Lake directory.")
@click.option(
    "--all",
    "every_part",
    is_flag=True,
    help="Rewrite every part, not only small ones (once after an upgrade that changes the part layout).",
)
def compact(lake: Path, every_part: bool) -> None:
    """Merge small parts of each partition into larger ones; rows stay the same."""
    from auditlake.ingest.compact import compact

    report = compact(lake, every_part=every_part)
    done = "rewritten as" if every_part else "merged into"
    click.echo(f"compact: {report.parts_before} parts {done} {report.parts_after}", err=True)


class _ProgressBar:
    """Bytes and files done, throughput and ETA on stderr, redrawn in place."""

    def __init__(self) -> None:
        self.start = time.monotonic()

    def __call__(self, t: Tally) -> None:
        rate = t.bytes_done / max(time.monotonic() - self.start, 1e-6)
        left = t.bytes_total - t.bytes_done
        eta = left / rate if rate and left > 0 else 0
        pct = 100 * t.bytes_done / t.bytes_total if t.bytes_total else 100
        mib = 1 << 20
        line = (
            f"{pct:5.1f}% {t.bytes_done // mib}/{t.bytes_total // mib} MiB "
            f"{t.files_done}/{t.files_total} files {rate / mib:.1f} MiB/s ETA {eta:.0f} s"
        )
        click.echo(f"\r{line} ", nl=False, err=True)

    def close(self) -> None:
        click.echo("", err=True)


# --- query (owner: queries) -------------------------------------------------------


@cli.command()
@click.argument("sql")
@click.option("--lake", required=True, type=click.Path(path_type=Path), help="Lake directory.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    help="table (escaped for the terminal), json (JSON Lines) or csv (formula-guarded).",
)
def query(sql: str, lake: Path, fmt: str) -> None:
    """Run SQL over the views events, auditd_records, rejects, findings, gaps, source_files."""
    from auditlake.queries.connection import run_sql

    columns, rows = run_sql(lake, sql)
    text = _render(fmt, columns, rows)
    if text:
        click.echo(text)


# --- detect, rules, demo (owner: detections) ----------------------------------------

_LEVELS = ("low", "medium", "high", "critical")


class _UtcTime(click.ParamType):
    """An ISO 8601 time with `Z` or an offset; one without a zone is UTC."""

    name = "time"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from datetime import UTC, datetime

        if isinstance(value, datetime):
            return value
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 time (e.g. 2026-11-27T02:10:00Z)", param, ctx)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


# The table shows what an analyst triages by; json and csv carry every column.
_FINDING_TABLE = (
    "severity",
    "analytic_uid",
    "device_hostname",
    "start_time",
    "actor_user_name",
    "user_name",
    "src_endpoint_ip",
    "message",
)


def _render(fmt: str, columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    from auditlake import render

    if fmt == "json":
        return render.json_lines(columns, rows)
    if fmt == "csv":
        return render.csv_text(columns, rows)
    return render.table(columns, rows)


def _print_findings(findings: Any, fmt: str) -> None:
    columns = list(_FINDING_TABLE) if fmt == "table" else findings.column_names
    rows = [tuple(r[c] for c in columns) for r in findings.select(columns).to_pylist()]
    text = _render(fmt, columns, rows)
    if text:
        click.echo(text)


def _finish_detect(run: Any, fmt: str, fail_on: str) -> None:
    from auditlake.queries.detect import at_or_above

    _print_findings(run.findings, fmt)
    click.echo(
        f"{run.findings.num_rows} finding(s), {run.added} new or updated in the lake", err=True
    )
    # a nightly job alerts on what this run found, not again on what it already stored
    if at_or_above(run.changed, fail_on):
        sys.exit(EXIT_FINDINGS)


_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    help="table (escaped for the terminal), json (JSON Lines) or csv (formula-guarded).",
)
_fail_on_option = click.option(
    "--fail-on",
    type=click.Choice(_LEVELS),
    default="low",
    show_default=True,
    help="Exit 1 when this run adds or updates a finding of this severity or worse.",
)


@cli.command()
@click.option("--lake", required=True, type=click.Path(path_type=Path), help="Lake directory.")
@click.option("--policy", type=click.Path(path_type=Path), help="Policy TOML (default: built-in).")
@click.option("--only", multiple=True, help="Run only this detection id (repeatable).")
@click.option("--since", type=_UtcTime(), help="Evidence at or after this time (ISO 8601; UTC).")
@click.option("--until", type=_UtcTime(), help="Evidence before this time (ISO 8601; UTC).")
@_format_option
@_fail_on_option
def detect(
    lake: Path,
    policy: Path | None,
    only: tuple[str, ...],
    since: Any,
    until: Any,
    fmt: str,
    fail_on: str,
) -> None:
    """Run the detections, append new findings to the lake, print every finding."""
    from auditlake import pipeline

    _finish_detect(pipeline.detect(lake, policy, only, since, until), fmt, fail_on)


@cli.group()
def rules() -> None:
    """List, lint and test the detection files."""


@rules.command("list")
@_format_option
def rules_list(fmt: str) -> None:
    """List every detection with its metadata."""
    from auditlake.queries.rules import load_detections

    columns = ["id", "level", "status", "techniques", "tests", "title"]
    rows = [
        (d.id, d.level, d.status, " ".join(d.attack_technique_uids), len(d.tests), d.title)
        for d in load_detections()
    ]
    click.echo(_render(fmt, columns, rows))


@rules.command("lint")
def rules_lint() -> None:
    """Check every detection file; print every problem, exit 1 if there is any."""
    from auditlake.queries.rules import lint_detections

    detections, problems = lint_detections()
    for problem in problems:
        click.echo(problem)
    click.echo(f"{len(detections)} detection(s) checked, {len(problems)} problem(s)", err=True)
    if problems:
        sys.exit(EXIT_FINDINGS)


@rules.command("test")
@click.option("--only", multiple=True, help="Test only this detection id (repeatable).")
def rules_test(only: tuple[str, ...]) -> None:
    """Run every detection's inline tests end to end (raw logs -> lake -> SQL)."""
    from auditlake import pipeline
    from auditlake.render import escape_terminal

    outcomes = pipeline.test_rules(only)
    for o in outcomes:
        click.echo(f"{'PASS' if o.passed else 'FAIL'} {o.detection_id}: {escape_terminal(o.name)}")
        for problem in o.problems:
            click.echo(f"  {o.location}: {escape_terminal(problem)}")
    failed = sum(not o.passed for o in outcomes)
    click.echo(f"{len(outcomes) - failed} passed, {failed} failed", err=True)
    if failed:
        sys.exit(EXIT_FINDINGS)


@cli.command()
@_format_option
def demo(fmt: str) -> None:
    """Ingest the bundled sample fleet into a temporary lake, detect, print findings."""
    from auditlake import pipeline

    run = pipeline.demo()
    _print_findings(run.findings, fmt)
    click.echo(f"{run.findings.num_rows} finding(s) in the sample fleet", err=True)


def main() -> None:
    """Console-script entry point; click's usage errors exit with 2 as DESIGN §7 says."""
    try:
        cli.main(standalone_mode=True)
    except SystemExit as exc:
        sys.exit(exc.code)
