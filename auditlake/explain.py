"""Say in one plain English sentence what an event or a finding records.

The sentence is plain text built from log content; whoever shows it escapes it
(`display.SafeText`), it is never markup.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from auditlake.schema import STATUS_FAILURE

UNSET_ID = 4294967295  # auditd's "not set" for auid, uid, ses (-1 as u32)
LOGOFF = 2  # OCSF Authentication activity_id


def _when(time: datetime | None) -> str:
    return f"at {time:%Y-%m-%d %H:%M:%S} UTC" if time is not None else "at an unknown time"


def _actor(row: dict[str, Any]) -> str:
    """Who acted: the login user with their auid, or the uid, or 'someone'."""
    auid = row.get("process_auid")
    auid = None if auid in (None, UNSET_ID, -1) else auid
    name = row.get("actor_user_name")
    if name and auid is not None:
        return f"{name} (auid {auid})"
    if name:
        return str(name)
    if auid is not None:
        return f"auid {auid}"
    if row.get("process_uid") is not None:
        return f"uid {row['process_uid']}"
    return "someone"


def _program(row: dict[str, Any]) -> str:
    return str(
        row.get("process_cmd_line") or row.get("process_file_path") or row.get("process_name") or ""
    )


def _container(row: dict[str, Any]) -> str:
    """The container part of a sentence: name, image, privileges, host mounts."""
    parts = []
    if row.get("container_privileged"):
        parts.append("privileged")
    if row.get("container_mounts"):
        parts.append("mounting host " + ", ".join(row["container_mounts"]))
    what = row.get("container_name") or row.get("container_image_name")
    text = f" container {what}" if what else ""
    return text + (f" ({'; '.join(parts)})" if parts else "")


def _authentication(row: dict[str, Any], host: str, when: str) -> str:
    user = row.get("user_name") or "an unknown user"
    origin = f" from {row['src_endpoint_ip']}" if row.get("src_endpoint_ip") else ""
    method = f" with {row['auth_protocol']}" if row.get("auth_protocol") else ""
    via = f" via {row['app_name']}" if row.get("app_name") else ""
    logon_type = row.get("logon_type")
    if logon_type == "elevate":
        command = f": `{row['process_cmd_line']}`" if row.get("process_cmd_line") else ""
        verb = "was refused running" if row.get("status_id") == STATUS_FAILURE else "ran"
        return f"{_actor(row)} {verb} a command as {user} on {host} {when}{command}"
    if logon_type == "switch":
        verb = "failed to switch" if row.get("status_id") == STATUS_FAILURE else "switched"
        return f"{_actor(row)} {verb} to user {user} on {host} {when}"
    if row.get("activity_id") == LOGOFF and row.get("user_name") is None:
        session = f" {row['session_uid']}" if row.get("session_uid") else ""
        return f"session{session} ended on {host}{via} {when}"
    if row.get("activity_id") == LOGOFF:
        return f"{user} logged off from {host}{via} {when}"
    if row.get("status_id") == STATUS_FAILURE:
        return f"a login as {user} on {host}{origin}{method}{via} failed {when}"
    return f"{user} logged in to {host}{origin}{method}{via} {when}"


def explain_event(row: dict[str, Any]) -> str:
    """One sentence for an `events` row."""
    host = row.get("device_hostname") or "an unknown host"
    when = _when(row.get("time"))
    failed = row.get("status_id") == STATUS_FAILURE
    program = _program(row)
    match row.get("class_uid"):
        case 1007 if program:
            verb = "tried to run" if failed else "ran"
            return f"{_actor(row)} {verb} `{program}` on {host} {when}"
        case 3002 | 3003:
            return _authentication(row, host, when)
        case 1001 if row.get("file_path"):
            action = (row.get("activity_name") or "accessed").lower()
            by = f" with `{program}`" if program else ""
            denied = " (denied)" if failed else ""
            return f"{_actor(row)} {action} {row['file_path']}{by}{denied} on {host} {when}"
        case 4001:
            target = row.get("dst_endpoint_path") or ":".join(
                str(v) for v in (row.get("dst_endpoint_ip"), row.get("dst_endpoint_port")) if v
            )
            by = f" with `{program}`" if program else ""
            verb = "tried to connect" if failed else "connected"
            return f"{_actor(row)} {verb} to {target or 'an unknown endpoint'}{by} on {host} {when}"
        case 3001:
            change = (row.get("activity_name") or "changed").lower()
            user = row.get("user_name") or "an account"
            group = f" (group {row['group_name']})" if row.get("group_name") else ""
            return f"{_actor(row)} {change} {user}{group} on {host} {when}"
        case 6003 if row.get("api_operation"):
            return f"dockerd on {host} handled {row['api_operation']}{_container(row)} {when}"
    detail = row.get("message") or row.get("audit_type") or program
    tail = f": {detail}" if detail else ""
    return f"{row.get('source_type')} {row.get('class_name')} on {host} {when}{tail}"


def explain_finding(row: dict[str, Any]) -> str:
    """One sentence for a `findings` row."""
    host = row.get("device_hostname") or "an unknown host"
    what = row.get("message") or row.get("finding_title")
    return (
        f"{row['analytic_uid']} ({row['severity']}) on {host} {_when(row.get('start_time'))}: "
        f"{what}"
    )
