"""dockerd logs: logrus text, the TTY form, `--log-format json`, and the debug API lines.

One line is one event, always: the `Calling POST .../containers/create` line and the
`form data: {...}` line that follows it stay two events (each keeps its own provenance);
the container name from the first is carried onto the second when they can be paired.

Plain-text lines mixed into a dockerd log (containerd-shim output, Go panics and
goroutine dumps, `failed to start daemon: ...`) have no time of their own: they take the
time of the last timestamped line before them, marked `unmapped.time_inferred`. The TTY
form with relative seconds (`INFO[0003]`, seconds since the daemon started) is treated
the same way. A line with no timestamped line before it is rejected with a reason.
So a large file read in ranges starts each range at a line with a time of its own whose
row and pairing owe nothing to the line before (`afresh_row`).
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import parse_qs

from auditlake.parsers import dockerd_columns
from auditlake.parsers.base import Row, SourceContext, parser_error_row
from auditlake.parsers.columns import column_scan
from auditlake.parsers.line_parser import LineParser, mostly
from auditlake.parsers.rows import UNMAPPED_CAP, cap_value, event_row, gc_paused, parse_rfc3339

SOURCE_TYPE = "dockerd"

# A logrus field: key=value after a space, the value Go-quoted (strconv.Quote) when it
# needs quoting; groups: key, quoted value without its quotes, bare value. The look-behind
# keeps the scan linear on long words without "="; the quoted value is written as runs
# between escapes (`[^"\\]*(?:\\.[^"\\]*)*`), which matches what `(?:[^"\\]|\\.)*` does
# at several times its speed.
_QUOTED = r'"([^"\\]*(?:\\.[^"\\]*)*)"'
_PAIR = re.compile(rf'(?<!\S)([^\s="]+)=(?:{_QUOTED}|([^\s"]*))')
# What _PAIR finds first in the line logrus writes (`time="..." level=info msg="..."`),
# in one match: the time as logrus quotes it, then level and msg each quoted or bare.
_LOGRUS_HEAD = re.compile(
    rf'time={_QUOTED} level=(?:{_QUOTED}|([^\s"]*)) msg=(?:{_QUOTED}|([^\s"]*))'
)
# The TTY form: level abbreviated to 4 letters, then [time] or [seconds since start].
_TTY = re.compile(r"(PANI|FATA|ERRO|WARN|INFO|DEBU|TRAC)\[([^\]]*)\] ?(.*)", re.S)
_GO_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)", re.S)
_CALLING = re.compile(r"Calling ([A-Z]+) (\S+)")
_API_VERSION = re.compile(r"/v\d+(?:\.\d+)?(?=/)")

_TTY_LEVELS = {
    "PANI": "panic",
    "FATA": "fatal",
    "ERRO": "error",
    "WARN": "warning",
    "INFO": "info",
    "DEBU": "debug",
    "TRAC": "trace",
}
_GO_SIMPLE = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    '"': '"',
    "'": "'",
}
# Namespace modes that, set to "host", share the host's namespace with the container.
_HOST_NAMESPACE_MODES = (
    ("PidMode", "pid"),
    ("NetworkMode", "network"),
    ("IpcMode", "ipc"),
    ("UTSMode", "uts"),
    ("UsernsMode", "userns"),
    ("CgroupnsMode", "cgroupns"),
)
# Daemon lifecycle messages (OCSF Application Lifecycle activity ids: 3 Start, 4 Stop).
_LIFECYCLE = {
    "Starting up": (3, "Start"),
    "Daemon has completed initialization": (3, "Start"),
    "Daemon shutdown complete": (4, "Stop"),
}
_CREATE_OPERATION = "POST /containers/create"  # its query string names the container
_API_ACTIVITY = {"GET": (2, "Read"), "HEAD": (2, "Read"), "DELETE": (4, "Delete")}


def go_unquote(body: str) -> str:
    """Undo Go's strconv.Quote escapes in `body` (without its quotes).

    `\\xNN` and octal escapes stand for bytes that are not valid UTF-8; they stay as
    written so that nothing is lost or misread as Latin-1.
    """
    if "\\" not in body:
        return body
    if body.count("\\") == body.count('\\"'):
        return body.replace('\\"', '"')  # only \" escapes (JSON in a message): no scan
    return _GO_ESCAPE.sub(_go_escape, body)


def _go_escape(m: re.Match[str]) -> str:
    code = m.group(1)
    if code[0] in "uU" and len(code) > 1:
        point = int(code[1:], 16)
        return chr(point) if point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF else m.group(0)
    return _GO_SIMPLE.get(code, m.group(0))


def logrus_fields(text: str) -> dict[str, str]:
    """Return the key=value fields of a logrus text line, values unquoted."""
    head = _LOGRUS_HEAD.match(text)
    if head is None:
        return pairs_from(text, 0, {})
    # the three pairs _PAIR.findall(text) would find first; it goes on where they end
    # (its look-behind still sees the text before)
    stamp, level, bare_level, msg, bare_msg = head.groups("")  # "" as findall gives
    fields = {
        "time": go_unquote(stamp),
        "level": go_unquote(level) if level else bare_level,
        "msg": go_unquote(msg) if msg else bare_msg,
    }
    return pairs_from(text, head.end(), fields)


def pairs_from(text: str, pos: int, fields: dict[str, str]) -> dict[str, str]:
    """Add the key=value fields _PAIR finds in `text` from `pos` to `fields`; return it."""
    # `k=""` and `k=` both give "": an empty quoted value needs no unquoting either.
    for key, quoted, bare in _PAIR.findall(text, pos):
        fields[key] = go_unquote(quoted) if quoted else bare
    return fields


@dataclass(slots=True)
class ApiPairing:
    """The `Calling POST ...` line just before, waiting for the form data line after it.

    dockerd logs both lines in one request handler, so they are adjacent unless another
    request's lines come between: then the form data stays unpaired rather than risk
    taking another request's container name.
    """

    operation: str | None = None
    activity: tuple[int, str] = (99, "Other")
    container_name: str | None = None


def relayed_dockerd_row(message: str, pairing: ApiPairing) -> Row | None:
    """`normalize_dockerd_message` of a message another log carried (syslog, journald).

    A failure (a bug) leaves a Base Event flagged with base.parser_error: the carrier's
    row keeps the message.
    """
    try:
        return normalize_dockerd_message(message, pairing)
    except Exception as exc:
        return parser_error_row(exc)


def normalize_dockerd_message(message: str, pairing: ApiPairing | None = None) -> Row | None:
    """Return a partial events row for one dockerd message; None for a blank one.

    `message` is what dockerd wrote: a logrus text or JSON line, the TTY form, or plain
    text (class 0). When the message carries dockerd's own absolute time, the row has
    `time` and `event_date` (UTC, microseconds): callers should keep them over a wrapper's
    coarser time. `pairing` carries a container name from a `Calling` line to the
    `form data` line after it; callers that see one daemon's lines in order pass one.
    """
    text = message.strip()
    if not text:
        return None
    if text.startswith(("time=", "level=")):
        fields = logrus_fields(text)
        row = _structured_row(fields.pop("msg", None), fields.pop("level", None), pairing)
        _set_time(row, fields.pop("time", None))
        _set_fields(row, fields)
        return row
    if text.startswith("{"):
        return _json_row(text, pairing)
    tty = _TTY.fullmatch(text)
    if tty is not None:
        return _tty_row(tty, pairing)
    if pairing is not None:
        pairing.operation = pairing.container_name = None
    return {"class_uid": 0, "message": text}


def afresh_row(message: str) -> Row | None:
    """Return the partial row of a message that owes nothing to the pairing before it.

    None when the row, or the pairing the message leaves, would differ after another
    message: a `form data` line takes its container name from the `Calling` line before
    it; a blank or unparsable line leaves the pairing as it found it. Ranges of a file
    may start only at such a message (parsers/cuts.py).
    """
    fresh, other = ApiPairing(), ApiPairing(operation="", container_name="")
    row = normalize_dockerd_message(message, fresh)
    if row is None or normalize_dockerd_message(message, other) != row or fresh != other:
        return None
    return row


def go_json(text: str) -> Any:
    """Decode JSON as dockerd (Go) reads it: a lone surrogate escape (`\\ud800`) is U+FFFD.

    Python keeps such a surrogate, which no UTF-8 column can hold. ValueError for text
    that is not JSON, or that nests deeper than Python's decoder goes.
    """
    try:
        value = json.loads(text)
        return _without_surrogates(value) if _SURROGATE_ESCAPE.search(text) else value
    except RecursionError as exc:
        raise ValueError("JSON nested too deep") from exc


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(value: Any) -> Any:
    """Return a decoded JSON value with every lone surrogate replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def _json_row(text: str, pairing: ApiPairing | None) -> Row:
    try:
        data = go_json(text)
    except ValueError:
        return {"class_uid": 0, "message": text}
    if not isinstance(data, dict) or not {"msg", "level", "time"} & data.keys():
        return {"class_uid": 0, "message": text}
    msg, level, time = data.pop("msg", None), data.pop("level", None), data.pop("time", None)
    row = _structured_row(
        msg if isinstance(msg, str) or msg is None else json.dumps(msg),
        level if isinstance(level, str) else None,
        pairing,
    )
    _set_time(row, time if isinstance(time, str) else None)
    _set_fields(row, {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()})
    return row


def _tty_row(m: re.Match[str], pairing: ApiPairing | None) -> Row:
    level, stamp, rest = m.groups()
    start = _fields_start(rest)
    row = _structured_row(rest[:start].rstrip(), _TTY_LEVELS[level], pairing)
    fields = logrus_fields(rest[start:])
    if stamp.isdigit():
        fields["elapsed_seconds"] = stamp  # seconds since the daemon started
    elif not _set_time(row, stamp):
        fields["tty_time"] = stamp
    _set_fields(row, fields)
    return row


def _fields_start(text: str) -> int:
    """Return where the trailing run of key=value fields of a TTY line starts.

    logrus pads the message to 44 columns, then writes ` key=value` for each field; the
    run is the last chain of fields separated only by spaces that reaches the end.
    """
    start = end = len(text)
    for m in _PAIR.finditer(text):
        if start == len(text) or text[end : m.start()].strip():
            start = m.start()
        end = m.end()
    return start if not text[end:].strip() else len(text)


def _set_time(row: Row, stamp: str | None) -> bool:
    time = parse_rfc3339(stamp) if stamp else None
    if time is None:
        return False
    row["time"] = time
    row["event_date"] = time.date()
    return True


def _set_fields(row: Row, fields: dict[str, str]) -> None:
    """Promote the logrus fields that have a column; the rest go to `unmapped`."""
    container = fields.pop("container", None)
    if container:
        row["container_uid"] = container
    if fields:
        unmapped = row.setdefault("unmapped", {})
        for key, value in fields.items():
            unmapped[key] = value if len(value) <= UNMAPPED_CAP else cap_value(value)


_FORM_DATA = "form data: "  # a POST request's body, logged after its Calling line


def _structured_row(msg: str | None, level: str | None, pairing: ApiPairing | None) -> Row:
    """Classify one dockerd message (already unquoted) into a partial row."""
    row: Row = {"class_uid": 6002, "severity": level, "message": msg}
    if msg is not None and msg.startswith("Calling "):
        _calling(row, msg, pairing)
        return row
    if msg is not None and msg.startswith(_FORM_DATA):
        _form_data(row, msg[len(_FORM_DATA) :], pairing)
        return row
    if pairing is not None:  # form data directly follows its Calling line, or is not paired
        pairing.operation = pairing.container_name = None
    lifecycle = _LIFECYCLE.get(msg) if msg is not None else None
    if lifecycle is not None:
        row["activity_id"], row["activity_name"] = lifecycle
    return row


def _calling(row: Row, msg: str, pairing: ApiPairing | None) -> None:
    m = _CALLING.match(msg)
    if m is None:
        return
    method, uri = m.groups()
    path, _, query = uri.partition("?")
    operation = f"{method} {_API_VERSION.sub('', path, count=1)}"
    row["class_uid"] = 6003
    row["api_operation"] = operation
    create = method == "POST" and operation.endswith("/create")
    activity = (1, "Create") if create else _API_ACTIVITY.get(method, (99, "Other"))
    row["activity_id"], row["activity_name"] = activity
    name = _create_name(query) if query and operation == _CREATE_OPERATION else None
    if name is not None:
        row["container_name"] = name
    if pairing is not None:  # only POST requests log form data
        pairing.operation = operation if method == "POST" else None
        pairing.activity, pairing.container_name = activity, row.get("container_name")


def _create_name(query: str) -> str | None:
    """Return the container name a `containers/create` query string gives, if any."""
    names = parse_qs(query).get("name")
    return names[0] if names else None


def _form_data(row: Row, body: str, pairing: ApiPairing | None) -> None:
    row["class_uid"] = 6003
    if pairing is not None and pairing.operation is not None:
        row["api_operation"] = pairing.operation
        row["activity_id"], row["activity_name"] = pairing.activity
        if pairing.container_name is not None:
            row["container_name"] = pairing.container_name
        pairing.operation = pairing.container_name = None
    try:
        form = _struct(go_json(body))
    except ValueError:
        return  # dockerd falls back to Go's %q of a map when it cannot marshal the form
    if form is None:
        return
    command = _field(form, "Cmd")
    if _field(form, "Image") is not None or isinstance(_field(form, "HostConfig"), dict):
        _container_config(row, form)
    elif row.get("api_operation", "").endswith("/volumes/create") or isinstance(
        _field(form, "DriverOpts"), dict
    ):
        _volume_config(row, form)
    elif isinstance(command, list):  # exec create
        row["process_args"] = [str(a) for a in command]
        privileged = _field(form, "Privileged")
        if isinstance(privileged, bool):
            row["container_privileged"] = privileged


# A JSON object's fields as dockerd decodes it into a struct, by case-folded name.
Struct = dict[str, Any]


def _struct(value: Any) -> Struct | None:
    """Return the struct dockerd decodes from a JSON value; None if it is no object.

    Go's encoding/json matches keys without regard to case, by Unicode folding (U+017F,
    long s, is `s`; U+212A, Kelvin, is `k`), and the last match wins, so
    `{"hostconfig": {"privileged": true}}` is a privileged container to dockerd. Objects
    given under several matching keys fill one struct: their fields merge, later ones
    over earlier ones. Each key is folded once, however many fields are looked up, and
    merging copies each object once (many case variants of a key stay linear).
    """
    if not isinstance(value, dict):
        return None
    fields: Struct = {}
    merged: set[str] = set()  # fields holding a merge of their own, free to update
    for key, item in value.items():
        name = key.casefold()
        known = fields.get(name)
        if isinstance(known, dict) and isinstance(item, dict):
            if name not in merged:
                known = fields[name] = dict(known)
                merged.add(name)
            known.update(item)
        else:
            fields[name] = item
            merged.discard(name)
    return fields


def _field(struct: Struct, name: str) -> Any:
    """Return the value of struct field `name` (spelled as Go's struct spells it)."""
    return struct.get(name.casefold())


def _structs(value: Any) -> list[Struct]:
    """Return the objects of a JSON list as structs (dockerd refuses anything else)."""
    items = value if isinstance(value, list) else []
    return [s for s in map(_struct, items) if s is not None]


def _strings(value: Any) -> list[str]:
    """Return a JSON list's items as text; nothing if it is no list (dockerd refuses it)."""
    return [str(item) for item in value] if isinstance(value, list) else []


def _container_config(row: Row, form: Struct) -> None:
    """Copy what matters for security from a containers/create request body."""
    image = _field(form, "Image")
    if isinstance(image, str):
        row["container_image_name"] = image
    host = _struct(_field(form, "HostConfig"))
    if host is None:
        return
    privileged = _field(host, "Privileged")
    if isinstance(privileged, bool):
        row["container_privileged"] = privileged
    row["container_mounts"] = _host_mounts(host)
    row["container_cap_add"] = _strings(_field(host, "CapAdd"))
    row["container_host_namespaces"] = [
        name for key, name in _HOST_NAMESPACE_MODES if _field(host, key) == "host"
    ]
    security_opt = _strings(_field(host, "SecurityOpt"))
    if security_opt:
        row.setdefault("unmapped", {})["security_opt"] = ",".join(security_opt)
    devices = _host_devices(host)
    if devices:
        # a JSON list: a path may hold a comma
        row.setdefault("unmapped", {})["devices"] = json.dumps(devices)
    volumes = _named_volumes(host)
    if volumes:
        # named volumes, which a volumes/create may have bound to a host path
        row.setdefault("unmapped", {})["volumes"] = json.dumps(volumes)
    volumes_from = _strings(_field(host, "VolumesFrom"))
    if volumes_from:
        # `name[:ro|rw]`: the containers whose mounts this one gets
        names = [v.rsplit(":", 1)[0] if v.endswith((":ro", ":rw")) else v for v in volumes_from]
        row.setdefault("unmapped", {})["volumes_from"] = json.dumps(names)


def _host_devices(host: Struct) -> list[str]:
    """Host device paths passed into the container (`--device /dev/sda1:/dev/x`)."""
    paths = (_field(d, "PathOnHost") for d in _structs(_field(host, "Devices")))
    return [_clean(path) for path in paths if isinstance(path, str) and path]


def _named_volumes(host: Struct) -> list[str]:
    """Named volumes mounted into the container (`data:/x`; a volume mount's Source)."""
    names = [
        source
        for source in (b.split(":", 1)[0] for b in _strings(_field(host, "Binds")) if ":" in b)
        if source and not source.startswith("/")
    ]
    for mount in _structs(_field(host, "Mounts")):
        if _field(mount, "Type") == "volume":
            source = _field(mount, "Source")
            if isinstance(source, str) and source and _bound_device(mount) is None:
                names.append(source)
    return names


def _host_mounts(host: Struct) -> list[str]:
    """Host paths bind-mounted into the container (named volumes are not host paths)."""
    mounts: list[str] = []
    for bind in _strings(_field(host, "Binds")):
        source = bind.split(":", 1)[0]
        if source.startswith("/"):
            mounts.append(_clean(source))
    for mount in _structs(_field(host, "Mounts")):
        source = _field(mount, "Source")
        if _field(mount, "Type") == "bind" and source:
            mounts.append(_clean(str(source)))
        elif _field(mount, "Type") == "volume":
            device = _bound_device(mount)
            if device:
                mounts.append(_clean(device))
    return mounts


def _bound_device(mount: Struct) -> str | None:
    """The host path a local volume of a mount binds (its driver options)."""
    volume = _struct(_field(mount, "VolumeOptions"))
    driver = _struct(_field(volume, "DriverConfig")) if volume is not None else None
    # a map, not a struct: its keys are matched as written
    options = _field(driver, "Options") if driver is not None else None
    return _bind_device(options) if isinstance(options, dict) else None


def _bind_device(options: dict[str, Any]) -> str | None:
    """The host path local volume driver options bind (`o=bind`, `device=/path`)."""
    bind = str(options.get("o", "")).split(",")
    device = options.get("device")
    if ("bind" in bind or "rbind" in bind) and isinstance(device, str) and device.startswith("/"):
        return device
    return None


def _volume_config(row: Row, form: Struct) -> None:
    """Keep a volumes/create request's volume name, and the host path it binds if any."""
    name = _field(form, "Name")
    if not isinstance(name, str) or not name:
        return
    unmapped = row.setdefault("unmapped", {})
    unmapped["volume_name"] = name
    options = _field(form, "DriverOpts")
    device = _bind_device(options) if isinstance(options, dict) else None
    if device is not None:
        unmapped["volume_device"] = _clean(device)


def _clean(path: str) -> str:
    """Return a host path as dockerd cleans it (Go's filepath.Clean): `/tmp/..` is `/`."""
    return "/" + posixpath.normpath(path).lstrip("/") if path.startswith("/") else path


def looks_like_dockerd(line: str) -> bool:
    """Tell whether one line has the shape of a dockerd log line (for sniffing)."""
    if line.startswith("time=") and " level=" in line:
        return True
    if line.startswith('{"') and '"level"' in line and '"msg"' in line:
        return True
    return _TTY.match(line) is not None


_SEPARATOR_MARKS = ("\\n", "===")


def _is_separator(text: str) -> bool:
    """Tell whether a line is an init script's separator between two daemon runs."""
    # Amazon Linux's sysvinit writes `\\nSun Aug 16 10:05:04 UTC 2020\\n` with a literal
    # backslash-n; other scripts write `=== ... ===` banners.
    if not text.lstrip().startswith(_SEPARATOR_MARKS):
        return False  # the common case, decided without stripping the whole line
    text = text.strip()
    return any(
        len(text) >= 2 * len(mark) and text.startswith(mark) and text.endswith(mark)
        for mark in _SEPARATOR_MARKS
    )


_REFERENCE = dockerd_columns.Reference(
    list(_LIFECYCLE), _API_ACTIVITY, _CREATE_OPERATION, _create_name, _FORM_DATA
)


class DockerdParser(LineParser):
    """dockerd's own log file: logrus text, TTY form or JSON, one event per line."""

    source_type: ClassVar[str] = SOURCE_TYPE
    name: ClassVar[str] = "dockerd"

    def __init__(self, ctx: SourceContext) -> None:
        super().__init__(ctx)
        self._last_time: datetime | None = None
        self._pairing = ApiPairing()

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        return mostly(head, looks_like_dockerd)

    @classmethod
    def _opens_range(cls, line: bytes) -> bool:
        """A line with a time of its own and a pairing of its own: no earlier line counts."""
        text = line.decode("utf-8", "backslashreplace")
        if _is_separator(text):
            return False
        row = afresh_row(text)
        return row is not None and "time" in row

    def feed(self, block: bytes, offset: int) -> None:
        """Build the rows of plain logrus lines as columns; the rest line by line, in order."""
        found = column_scan(dockerd_columns.scan, block, offset, self.ctx, _REFERENCE)
        if found is None:
            super().feed(block, offset)
            return
        self._out.event_batches.append(found.rows)
        starts = found.starts
        runs = found.slow_runs()
        # what the plain line before each run leaves (and the last line, if plain)
        befores = [first - 1 for first, _ in runs if first]
        if found.plain[-1]:
            befores.append(len(found.plain) - 1)
        states = iter(found.states_after(befores))
        with gc_paused():
            for first, end in runs:
                if first:  # as _line would leave it
                    self._after_plain(*next(states))
                start, stop = int(starts[first]), int(starts[end])
                lines = block[start:stop]
                if end - first == 1 and not lines.isspace():  # most runs: one line
                    self._kept_line(offset + start, lines)
                else:  # the reference's own loop (a run of blank lines is one reject)
                    super().feed(lines, offset + start)
        if found.plain[-1]:
            self._after_plain(*next(states))
        self._end = offset + len(block)

    def _after_plain(self, time: datetime | None, call: dockerd_columns.Call | None) -> None:
        """Leave the state a plain line leaves: its time, and its API call if any."""
        self._last_time = time
        if call is None:
            self._pairing.operation = self._pairing.container_name = None
            return
        operation, self._pairing.activity, self._pairing.container_name = call
        self._pairing.operation = operation if operation.startswith("POST ") else None

    def _line(self, offset: int, line: bytes) -> None:
        text = line.decode("utf-8", "backslashreplace")
        if _is_separator(text):
            self._reject(offset, line, "init-script separator, not a record")
            return
        partial = normalize_dockerd_message(text, self._pairing)
        if partial is None:
            self._reject(offset, line, "blank line")
            return
        time = partial.pop("time", None)
        partial.pop("event_date", None)
        if time is None:
            if self._last_time is None:
                reason = "dockerd line without a time, and no timestamped line before it"
                self._reject(offset, line, reason)
                return
            time = self._last_time
            partial.setdefault("unmapped", {})["time_inferred"] = "from the previous line"
        self._last_time = time
        row = event_row(
            self.ctx,
            source_type=SOURCE_TYPE,
            time=time,
            class_uid=partial.pop("class_uid"),
            offset=offset,
            length=len(line),
        )
        row["app_name"] = "dockerd"
        row.update(partial)
        self._out.events.append(row)
