"""The investigation API: `lake = auditlake.open(DIR)`, then ask it questions.

Every method runs SQL from `queries/hunts/` with DuckDB named parameters and returns
an object that renders safely in a notebook (`LogFrame`, `Timeline`, `ProcessTree`,
`RawLines`, `SafeText`): log content is attacker-controlled and notebook output runs
in the analyst's browser. Times are UTC; a time given without a zone is taken as UTC.

The handle reads the parts the manifest listed when it was opened (or last
`refresh()`ed), so it is safe to use while an ingest or detect run writes the lake;
if a compaction removed parts it was reading, it reads the manifest again.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from auditlake import explain as explaining
from auditlake import process_tree, sessions
from auditlake.display import LogFrame, SafeText, to_frame
from auditlake.errors import AuditlakeError
from auditlake.explain import UNSET_ID
from auditlake.lake import Lake
from auditlake.queries import hunt
from auditlake.queries.connection import arrow_table, connect
from auditlake.queries.detect import SHARED_VIEWS
from auditlake.raw import RawLines, Span, read_lines
from auditlake.schema import CLASSES, SOURCE_TYPES
from auditlake.timeline import Timeline, timeline_of

TimeLike = str | datetime | date | pd.Timestamp | None
SEVERITIES = ("low", "medium", "high", "critical")


def to_utc(value: TimeLike, name: str) -> datetime | None:
    """Read a time argument as an aware UTC datetime (naive times are UTC)."""
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise AuditlakeError(
            f"{name}={value!r} is not a time: give a datetime or ISO 8601 text such as "
            "'2026-11-27T02:10:00Z' (without a zone it is taken as UTC)"
        ) from None
    if pd.isna(stamp):
        return None
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    moment: datetime = stamp.to_pydatetime()
    return moment


def event_kind(kind: str | int | None) -> tuple[int | None, str | None]:
    """Resolve `kind` to (class_uid, source_type).

    A kind is an OCSF class name ("Authentication", any case), its class_uid (3002,
    or "3002"), or a source type ("auditd", "journald", "syslog", "dockerd").
    """
    if kind is None:
        return None, None
    text = str(kind).strip()
    if text.isdigit() and int(text) in CLASSES:
        return int(text), None
    if text.lower() in SOURCE_TYPES:
        return None, text.lower()
    by_name = {name.lower(): uid for uid, name in CLASSES.items()}
    if text.lower() in by_name:
        return by_name[text.lower()], None
    names = ", ".join(f"{name} ({uid})" for uid, name in sorted(CLASSES.items()) if uid)
    raise AuditlakeError(
        f"unknown event kind {kind!r}: use a class name or class_uid ({names}) "
        f"or a source type ({', '.join(SOURCE_TYPES)})"
    )


def severities_from(minimum: str | None) -> list[str] | None:
    """The severities at or above `minimum` (None: all)."""
    if minimum is None:
        return None
    level = minimum.lower()
    if level not in SEVERITIES:
        raise AuditlakeError(
            f"unknown severity {minimum!r}: use one of {', '.join(SEVERITIES)} "
            "(findings at or above it are returned)"
        )
    return list(SEVERITIES[SEVERITIES.index(level) :])


class AuditLake:
    """An open lake: a read-only DuckDB connection over its published parts."""

    def __init__(self, root: str | os.PathLike[str], threads: int | None = None) -> None:
        self.root = Path(root)
        self._threads = threads
        self.con = self._connect()

    def _connect(self) -> duckdb.DuckDBPyConnection:
        manifest = Lake(self.root).read_manifest()
        self._parts = manifest.parts  # what the connection reads
        con = connect(self.root, self._threads, manifest)
        con.execute("SET TimeZone = 'UTC'")
        # computed once per connection, as `detect` does: named_events (hence explain,
        # evidence, events) joins it on every call (0.17 s a call at 20M events)
        con.execute(SHARED_VIEWS["audit_user_names"])
        con.execute(hunt("named_events"))
        return con

    def refresh(self) -> None:
        """See the parts published since the lake was opened."""
        self.con.close()
        self.con = self._connect()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> AuditLake:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"auditlake.open({str(self.root)!r})"

    # --- queries ------------------------------------------------------------------

    def _arrow(
        self, query: str, params: dict[str, Any], lent: dict[str, pa.Table] | None = None
    ) -> pa.Table:
        """Run `query` with `params` as Arrow; `lent`: relations it reads, by name."""
        try:
            return self._run(query, params, lent or {})
        except duckdb.IOException as exc:
            # a writer replaced parts this snapshot lists (`auditlake compact`, a rewrite):
            # the manifest names their successors, so read it again, once. Any other
            # failure to read or write (a full disk for DuckDB's spill files) is said as is
            if Lake(self.root).read_manifest().parts == self._parts:
                raise AuditlakeError(f"query failed: {exc}") from None
            self.refresh()
        except duckdb.Error as exc:
            raise AuditlakeError(f"query failed: {exc}") from None
        try:
            return self._run(query, params, lent or {})
        except duckdb.Error as exc:
            raise AuditlakeError(f"query failed: {exc}", str(self.root)) from None

    def _run(self, query: str, params: dict[str, Any], lent: dict[str, pa.Table]) -> pa.Table:
        """Run `query` on the current connection, the `lent` relations registered meanwhile
        (a retry after `refresh()` runs on a new connection: they are lent to it again)."""
        for name, table in lent.items():
            self.con.register(name, table)
        try:
            return arrow_table(self.con, query, params)
        finally:
            for name in lent:
                self.con.unregister(name)

    def sql(self, query: str, **params: Any) -> LogFrame:
        """Run SQL over the views with DuckDB named parameters (`$user`) as a DataFrame.

        `lake.sql("SELECT * FROM events WHERE user_name = $user", user="bob")`: values
        are bound as parameters, never pasted into the SQL text.
        """
        return to_frame(self._arrow(query, params))

    def findings(
        self,
        analytic: str | None = None,
        host: str | None = None,
        user: str | None = None,
        severity: str | None = None,
        since: TimeLike = None,
        until: TimeLike = None,
    ) -> LogFrame:
        """Findings by detection id, host, user (actor or target), minimum severity, time.

        Each with its `explanation`, the sentence `explain()` gives it.
        """
        table = self._arrow(
            hunt("findings"),
            {
                "analytic_uid": analytic,
                "host": host,
                "user": user,
                "severities": severities_from(severity),
                "since": to_utc(since, "since"),
                "until": to_utc(until, "until"),
            },
        )
        frame = to_frame(table)
        frame.insert(1, "explanation", [explaining.explain_finding(r) for r in table.to_pylist()])
        return frame

    def events(
        self,
        host: str | None = None,
        user: str | None = None,
        since: TimeLike = None,
        until: TimeLike = None,
        kind: str | int | None = None,
        limit: int | None = None,
    ) -> LogFrame:
        """Events by host, user (actor or target account), time and kind, in time order.

        `kind` is an OCSF class name ("Process Activity") or class_uid (1007), or a
        source type ("auditd"); `since` is inclusive, `until` exclusive; `limit` caps
        the rows (the first in time). The actor of a RAW auditd event, which gives only
        the auid, is the login user behind it (view `named_events`).
        """
        class_uid, source_type = event_kind(kind)
        return self.sql(
            hunt("events"),
            host=host,
            user=user,
            since=to_utc(since, "since"),
            until=to_utc(until, "until"),
            class_uid=class_uid,
            source_type=source_type,
            limit=limit,
        )

    def sessions(
        self,
        host: str | None = None,
        user: str | None = None,
        since: TimeLike = None,
        until: TimeLike = None,
    ) -> LogFrame:
        """Login sessions stitched across sources, with the commands run in each.

        A session overlaps [since, until); an open session has no end_time. `commands`
        lists what auditd saw run under the session's audit id (`ses`) and the sudo /
        su lines of its user on its host while it was open; a command is listed in one
        session, the last to start of those open when it ran.
        """
        events = self._arrow(
            hunt("session_events"), {"host": host, "until": to_utc(until, "until"), "user": user}
        )
        try:
            stitched = sessions.sessions_table(events, self.con)
        except duckdb.Error as exc:
            raise AuditlakeError(f"query failed: {exc}") from None
        table = sessions.select(stitched, user, to_utc(since, "since"))
        commands: list[dict[str, Any]] = []
        if table.num_rows:
            bounds = {
                "hosts": pc.unique(table["device_hostname"]).to_pylist(),
                "start": pc.min(table["start_time"]).as_py(),
            }
            commands = self._arrow(
                hunt("session_commands"), bounds, lent={"stitched_sessions": table}
            ).to_pylist()
        frame = to_frame(table)
        by_session: dict[str, list[str]] = {}
        uids: dict[str, list[str]] = {}
        for row in commands:
            by_session.setdefault(row["session_id"], []).append(row["command"])
            uids.setdefault(row["session_id"], []).append(row["event_uid"])
        frame["commands"] = [by_session.get(s, []) for s in frame["session_id"]]
        frame["command_event_uids"] = [uids.get(s, []) for s in frame["session_id"]]
        return LogFrame(frame)

    def timeline(
        self,
        host: str | None = None,
        user: str | None = None,
        since: TimeLike = None,
        until: TimeLike = None,
        events: bool = True,
    ) -> Timeline:
        """Events and findings of a host and/or user over time: `.table`, `.figure()`, `.save()`.

        `events=False` keeps only the findings (a fleet-wide overview stays readable).
        """
        frame = self.sql(
            hunt("timeline"),
            host=host,
            user=user,
            since=to_utc(since, "since"),
            until=to_utc(until, "until"),
            with_events=events,
        )
        subject = " / ".join(x for x in (host, user) if x) or "all hosts"
        return timeline_of(frame, f"timeline of {subject}")

    def process_tree(self, host: str, pid: int, at: TimeLike = None) -> process_tree.ProcessTree:
        """Ancestors and descendants of process `pid` on `host` at time `at` (default: last seen)."""

        def fetch(pids: list[int], ppids: list[int]) -> list[dict[str, Any]]:
            params = {"host": host, "pids": pids, "ppids": ppids}
            rows: list[dict[str, Any]] = self._arrow(hunt("process_records"), params).to_pylist()
            return rows

        return process_tree.build(fetch, host, int(pid), to_utc(at, "at"))

    def evidence(self, finding_uid: str) -> LogFrame:
        """The events behind a finding, in time order, each explained in one sentence."""
        table = self._arrow(hunt("evidence"), {"finding_uid": finding_uid})
        if not table.num_rows and self._finding(finding_uid) is None:
            raise self._unknown(finding_uid)
        sentences = [explaining.explain_event(self._named(row)) for row in table.to_pylist()]
        frame = to_frame(table)
        frame.insert(1, "explanation", sentences)
        return frame

    # --- one event ----------------------------------------------------------------

    def _event(self, event_uid: str) -> dict[str, Any] | None:
        rows = self._arrow("SELECT * FROM named_events WHERE event_uid = $uid", {"uid": event_uid})
        return rows.to_pylist()[0] if rows.num_rows else None

    def _finding(self, finding_uid: str) -> dict[str, Any] | None:
        rows = self._arrow("SELECT * FROM findings WHERE finding_uid = $uid", {"uid": finding_uid})
        return rows.to_pylist()[0] if rows.num_rows else None

    def _unknown(self, uid: str) -> AuditlakeError:
        return AuditlakeError(
            f"no event or finding has uid {uid!r} in this lake (as of its last refresh); "
            "take uids from the event_uid / finding_uid / event_uids columns",
            str(self.root),
        )

    def _named(self, event: dict[str, Any]) -> dict[str, Any]:
        """Name the account of a RAW auditd login, which the kernel gives as a uid only."""
        uid = event["user_uid"]
        if (
            event["user_name"] is None
            and event["class_uid"] == 3002
            and uid not in (None, UNSET_ID)
        ):
            event["user_name"] = self._auid_name(event["device_hostname"], uid)
        return event

    def _auid_name(self, host: str | None, auid: int) -> str | None:
        """The login name of `auid` on `host`, from the logins that set it."""
        rows = self._arrow(
            "SELECT user_name FROM audit_user_names WHERE device_hostname = $host AND auid = $auid",
            {"host": host, "auid": auid},
        ).to_pylist()
        return rows[0]["user_name"] if rows else None

    def raw(self, event_uid: str) -> RawLines:
        """The exact original lines behind an event, read and verified from its source file.

        An auditd event is every record of it (records may be interleaved with other
        events' lines); other events are their own line or journal entry.
        """
        event = self._event(event_uid)
        if event is None:
            if self._finding(event_uid) is not None:
                raise AuditlakeError(
                    f"{event_uid!r} is a finding: call raw() on each of its event_uids"
                )
            raise self._unknown(event_uid)
        records = self._arrow(
            "SELECT source_file, source_offset, source_length, raw, source_file_id "
            "FROM auditd_records WHERE event_uid = $uid",
            {"uid": event_uid},
        ).to_pylist()
        names = self._file_names()
        spans = [
            Span(
                r["source_file"],
                r["source_offset"],
                r["source_length"],
                r["raw"],
                names.get(r["source_file_id"], ()),
            )
            for r in records
        ] or [
            Span(
                event["source_file"],
                event["source_offset"],
                event["source_length"],
                other_names=names.get(event["source_file_id"], ()),
            )
        ]
        return read_lines(event_uid, spans)

    def _file_names(self) -> dict[str, tuple[str, ...]]:
        """Every name ingest read each file under (by file id), the latest first."""
        files = (Lake(self.root).read_manifest().extra or {}).get("files", {})
        return {
            fid: tuple(dict.fromkeys([state.get("path"), *reversed(state.get("paths", []))]))
            for fid, state in files.items()
        }

    def explain(self, uid: str) -> SafeText:
        """One plain English sentence saying what an event (or a finding) records."""
        # findings first: they are few, so a finding is found without a probe of every
        # events part (a uid is never both)
        finding = self._finding(uid)
        if finding is not None:
            return SafeText(explaining.explain_finding(finding))
        event = self._event(uid)
        if event is not None:
            return SafeText(explaining.explain_event(self._named(event)))
        raise self._unknown(uid)


def open_samples(into: str | os.PathLike[str] | None = None) -> AuditLake:
    """Build a lake of the bundled sample fleet, detections run, and open it.

    Everything goes under `into` (default: a new temporary directory, left for you to
    delete): the logs are copied to `into/logs`, so `raw()` reads them back, and the
    lake is `into/lake`.
    """
    from auditlake import pipeline  # ingest and detections: needed here only

    root = Path(into) if into is not None else Path(tempfile.mkdtemp(prefix="auditlake-samples-"))
    return AuditLake(pipeline.build_sample_lake(root))


def open(root: str | os.PathLike[str], threads: int | None = None) -> AuditLake:
    """Open the lake at `root` for investigation (read-only; safe while ingest runs)."""
    return AuditLake(root, threads)
