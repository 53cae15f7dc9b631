"""`docker events` output: `--format '{{json .}}'` lines and the CLI's text form.

Text form, as the docker CLI prints it:
`<RFC3339Nano> <type> <action>[: <detail>] <actor id> (k=v, k=v, ...)`; attributes are
sorted, joined by ", ", values unquoted and free to hold spaces. Each event becomes one
`events` row (source_type dockerd, class 6003 API Activity: the daemon reports the API
operations done through its socket) with `api_operation` "<type> <action>".
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, ClassVar

from auditlake.parsers.base import Row, SourceContext
from auditlake.parsers.dockerd import go_json
from auditlake.parsers.line_parser import LineParser, mostly
from auditlake.parsers.rows import cap_value, event_row, parse_rfc3339, utc_from_micros

SOURCE_TYPE = "dockerd"
# time, object type, action (with its ": detail"), actor id, attributes
_Parsed = tuple[datetime, str, str, str, dict[str, str]]
_OBJECT_TYPES = "container|image|volume|network|daemon|plugin|service|node|secret|config"
_TEXT = re.compile(rf"(\d{{4}}-\d\d-\d\dT\S+) ({_OBJECT_TYPES}) (.*)", re.S)
# The attribute list opens at the first " (" followed by `key=` of a line ending in ")".
_ATTRS_OPEN = re.compile(r" \([^\s=,()]{1,512}=")
_ATTR_SPLIT = re.compile(r", (?=[^\s=,]+=)")
_ACTIVITY = {
    "create": (1, "Create"),
    "destroy": (4, "Delete"),
    "delete": (4, "Delete"),
    "remove": (4, "Delete"),
}


def _parse_text(line: str) -> _Parsed | str:
    """Split one text event into (time, type, action, actor id, attributes), or a reason."""
    m = _TEXT.fullmatch(line.rstrip("\r\n"))
    if m is None:
        return "not a docker events line (<time> <type> <action> <id> (attributes))"
    stamp, kind, rest = m.groups()
    time = parse_rfc3339(stamp)
    if time is None:
        return f"docker events line with an invalid time {stamp[:40]!r}"
    rest = rest.rstrip()
    opening = _ATTRS_OPEN.search(rest) if rest.endswith(")") else None
    attrs: dict[str, str] = {}
    if opening is not None:
        attr_text = rest[opening.start() + 2 : -1]
        attrs = dict(part.partition("=")[::2] for part in _ATTR_SPLIT.split(attr_text))
        rest = rest[: opening.start()]
    action, _, actor = rest.rpartition(" ")
    if not action or not actor:
        return "docker events line without an action and an actor id"
    return time, kind, action, actor, attrs


def _parse_json(line: str) -> _Parsed | str:
    """Split one JSON event into (time, type, action, actor id, attributes), or a reason."""
    try:
        data = go_json(line)
    except ValueError as e:
        return f"invalid JSON: {e}"
    if not isinstance(data, dict):
        return "JSON line is not an object"
    actor = data.get("Actor")
    if not isinstance(actor, dict):
        actor = {}
    kind, action = data.get("Type"), data.get("Action") or data.get("status")
    if not isinstance(kind, str) or not isinstance(action, str):
        return "docker event JSON without Type and Action"
    nanos, seconds = data.get("timeNano"), data.get("time")
    if isinstance(nanos, int):
        time = utc_from_micros(nanos // 1000)
    elif isinstance(seconds, int):
        time = utc_from_micros(seconds * 1_000_000)
    else:
        return "docker event JSON without time or timeNano"
    if time is None:
        return "docker event JSON with a time outside years 1..9999"
    attributes: Any = actor.get("Attributes") or {}
    attrs = {str(k): str(v) for k, v in attributes.items()} if isinstance(attributes, dict) else {}
    return time, kind, action, str(actor.get("ID") or data.get("id") or ""), attrs


def docker_event_row(
    ctx: SourceContext,
    offset: int,
    length: int,
    parsed: _Parsed,
) -> Row:
    """Build the events row of one docker event."""
    time, kind, full_action, actor, attrs = parsed
    action, _, detail = full_action.partition(": ")
    row = event_row(
        ctx, source_type=SOURCE_TYPE, time=time, class_uid=6003, offset=offset, length=length
    )
    row["activity_id"] = _ACTIVITY.get(action, (99, "Other"))[0]
    row["activity_name"] = action
    row["api_operation"] = f"{kind} {action}"
    row["app_name"] = "dockerd"
    row["message"] = f"{kind} {full_action} {actor}"
    if kind == "container":
        row["container_uid"] = actor
        row["container_name"] = attrs.get("name")
        row["container_image_name"] = attrs.get("image")
        if detail and action.startswith("exec_"):
            row["process_cmd_line"] = detail
    elif "container" in attrs:
        row["container_uid"] = attrs["container"]
    unmapped = {"docker_event_type": kind, "actor_id": actor}
    if detail:
        unmapped["action_detail"] = detail
    for key, value in attrs.items():
        unmapped[f"attributes.{key}"] = cap_value(value)
    row["unmapped"] = unmapped
    return row


class DockerEventsParser(LineParser):
    """`docker events` output, JSON lines or the CLI text form, one event per line."""

    source_type: ClassVar[str] = SOURCE_TYPE
    name: ClassVar[str] = "docker-events"
    splittable: ClassVar[bool] = True  # each event is one line, and nothing passes between

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        return mostly(
            head, lambda ln: _TEXT.match(ln) is not None or (ln.startswith("{") and '"Actor"' in ln)
        )

    def _line(self, offset: int, line: bytes) -> None:
        text = line.decode("utf-8", "backslashreplace")
        if not text.strip():
            parsed: _Parsed | str = "blank line"
        elif text.lstrip().startswith("{"):
            parsed = _parse_json(text)
        else:
            parsed = _parse_text(text)
        if isinstance(parsed, str):
            self._reject(offset, line, parsed)
        else:
            self._out.events.append(docker_event_row(self.ctx, offset, len(line), parsed))
