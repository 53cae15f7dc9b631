"""Program messages read as columns: the templates of the messages a busy host logs most.

Most of what sshd, PAM, logind, sudo and cron log is a few message shapes. A `Shape` is
a template whose words are literals, values (a column each: user, address, port, ...)
and keys (everything else). Lines of one shape and one key differ only in their values,
so the normalizer (programs.shared_program_row, the reference) is asked once per key,
on the key's first and last line: what it gives besides the values is the group's
constant part, and the values it gives must be the words the template read, or the
group is left to the reference. A message of a program with no normalizer (and no PAM
prefix) is a Base Event. A source that wraps such messages (syslog_columns.py) reads
its own headers, hands the messages here as `Messages`, and builds its rows from the
`Group`s.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from auditlake.parsers.columns import Column, bools
from auditlake.parsers.programs import _HANDLERS, _PAM_OR_BARE, shared_program_row

from auditlake.schema import CLASSES, EVENTS, STR, STR_MAP

ArrowType: TypeAlias = Any  # a pyarrow DataType (the stubs type only concrete ones)
Rows: TypeAlias = npt.NDArray[np.intp]

LEAD = 12  # characters of a message that tell its shapes apart cheaply

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
# The words a template's placeholders take, in RE2 (no space, except in the last word).
# Each is narrow enough that the normalizers' regular expressions, lazy or greedy, split
# the message where the template does.
CLASSES_RE: dict[str, str] = {
    "NAME": r"[A-Za-z0-9_][A-Za-z0-9_.-]*",  # a user name as sshd or PAM logs it
    "ID": r"[A-Za-z0-9]+",  # a logind session id
    "UID": r"[0-9]{1,18}",  # programs.common.to_int: at most 18 digits
    "PORT": r"[0-9]{1,5}",  # programs.common.to_port
    "IPV4": rf"{_OCTET}(?:\.{_OCTET}){{3}}",  # as ipaddress reads it: no leading zeros
    # a host name: a letter or hyphen in it, no colon, so never an address to ipaddress
    "HOST": r"[A-Za-z0-9.-]*[A-Za-z-][A-Za-z0-9.-]*",
    "PATH": r"[A-Za-z0-9_./-]+",
    "KEYTYPE": r"[A-Z0-9-]+",
    "FINGERPRINT": r"[A-Za-z0-9:+/=_.-]+",
    "WORD": r"[A-Za-z0-9_.-]+",
    "VERDICT": r"Accepted|Failed",
    "SSH": r"ssh[0-9]?",  # sshd's protocol word
    "FIELD": r"[A-Za-z0-9_./:-]*",  # a PAM field, empty or not
    "PAM": r"pam_[A-Za-z0-9_-]+\([A-Za-z0-9_-]+:[a-z]+\):",  # pam_unix(sshd:auth):
    "PAM_USER": r"[A-Za-z0-9_.-]*\(uid=[0-9]{1,18}\)",  # root(uid=0), (uid=0)
    # the rest of the message: sudo's command (no `;`, no space at its ends) and cron's
    "SUDO_COMMAND": r"(?:[^; ](?:[^;]*[^; ])?)?",
    "CRON_COMMAND": r"[ -~]*",
}
# how a class's words start, to pick a shape's lines cheaply
_CLASS_START = {"PAM": ("pam_",), "VERDICT": ("Accepted ", "Failed ")}
_REST = frozenset({"SUDO_COMMAND", "CRON_COMMAND"})  # classes that may hold spaces
_TRIMMED = frozenset({"CRON_COMMAND"})  # values the normalizer strips of spaces
_PLACEHOLDER = re.compile(r"\{([a-z_.]*|-):([A-Z_0-9]+)\}")
_SSHD = frozenset({"sshd", "sshd-session", "sshd-auth"})


@dataclass(frozen=True, slots=True)
class _Value:
    """A word of a template that holds one value: `prefix{column:CLASS}suffix`."""

    word: int
    column: str  # an EVENTS column, `unmapped.KEY`, or "-" (read by no column)
    kind: str  # the placeholder's class
    prefix: int
    suffix: int


@dataclass(frozen=True, slots=True)
class Shape:
    """A message template of some programs (None: any program); see the module docstring.

    `{column:CLASS}` is a value, `{:CLASS}` a key, `{-:CLASS}` a word the normalizer
    does not read. `first_word` names a column that holds the first word of a value's.
    """

    programs: frozenset[str] | None
    template: str
    first_word: tuple[str, str] | None = None  # (column, the value column it is cut from)
    pattern: str = field(init=False)
    prefix: tuple[str, ...] = field(init=False)  # how its messages start
    words: int = field(init=False)
    values: tuple[_Value, ...] = field(init=False)
    keys: tuple[int, ...] = field(init=False)
    pam: bool = field(init=False)  # a PAM module's message (`{:PAM}` first)

    def __post_init__(self) -> None:
        words = self.template.split(" ")
        parts, values, keys = [], [], []
        for i, word in enumerate(words):
            found = list(_PLACEHOLDER.finditer(word))
            if any(m.group(2) in _REST for m in found) and i != len(words) - 1:
                raise ValueError(f"{self.template!r}: only the last word may hold spaces")
            named = [m for m in found if m.group(1)]
            if named:
                if len(found) > 1:
                    raise ValueError(f"{self.template!r}: a value word holds one placeholder")
                m = named[0]
                values.append(_Value(i, m[1], m[2], m.start(), len(word) - m.end()))
            elif found:
                keys.append(i)
            parts.append(_word_pattern(word))
        first = _PLACEHOLDER.search(self.template)
        set_ = object.__setattr__
        set_(self, "pattern", "^" + " ".join(parts) + "$")
        lead = self.template[: first.start()] if first else self.template
        starts = _CLASS_START.get(first[2], ("",)) if first is not None and not lead else ("",)
        set_(self, "prefix", tuple(lead + start for start in starts))
        set_(self, "words", len(words))
        set_(self, "values", tuple(values))
        set_(self, "keys", tuple(keys))
        set_(self, "pam", self.template.startswith("{:PAM}"))


def _word_pattern(word: str) -> str:
    """Return the RE2 pattern of one template word (placeholders as their classes)."""
    out, at = [], 0
    for m in _PLACEHOLDER.finditer(word):
        out += [re.escape(word[at : m.start()]), f"(?:{CLASSES_RE[m.group(2)]})"]
        at = m.end()
    return "".join([*out, re.escape(word[at:])])


# The shapes of the messages a busy host logs most, in the order they are tried.
SHAPES = (
    Shape(
        _SSHD,
        "Invalid user {user_name:NAME} from {src_endpoint_ip:IPV4} port {src_endpoint_port:PORT}",
    ),
    Shape(
        _SSHD,
        "{:VERDICT} {:WORD} for invalid user {user_name:NAME} from {src_endpoint_ip:IPV4}"
        " port {src_endpoint_port:PORT} {:SSH}",
    ),
    Shape(
        _SSHD,
        "{:VERDICT} {:WORD} for {user_name:NAME} from {src_endpoint_ip:IPV4}"
        " port {src_endpoint_port:PORT} {:SSH}",
    ),
    Shape(
        _SSHD,
        "{:VERDICT} {:WORD} for {user_name:NAME} from {src_endpoint_ip:IPV4}"
        " port {src_endpoint_port:PORT} {:SSH}: {:KEYTYPE}"
        " {unmapped.ssh_key_fingerprint:FINGERPRINT}",
    ),
    Shape(
        _SSHD,
        "Connection {:WORD} by {:WORD} user {user_name:NAME} {src_endpoint_ip:IPV4}"
        " port {src_endpoint_port:PORT} [preauth]",
    ),
    Shape(
        _SSHD,
        "Connection {:WORD} by {:WORD} user {user_name:NAME} {src_endpoint_ip:IPV4}"
        " port {src_endpoint_port:PORT}",
    ),
    Shape(
        _SSHD,
        "Connection {:WORD} by {src_endpoint_ip:IPV4} port {src_endpoint_port:PORT} [preauth]",
    ),
    Shape(_SSHD, "Connection {:WORD} by {src_endpoint_ip:IPV4} port {src_endpoint_port:PORT}"),
    Shape(_SSHD, "Connection {:WORD} by {src_endpoint_ip:IPV4} [preauth]"),  # before 7.x
    Shape(
        _SSHD,
        "Disconnected from {:WORD} user {user_name:NAME} {src_endpoint_ip:IPV4}"
        " port {src_endpoint_port:PORT} [preauth]",
    ),
    Shape(
        _SSHD,
        "Disconnected from user {user_name:NAME} {src_endpoint_ip:IPV4}"
        " port {src_endpoint_port:PORT}",
    ),
    Shape(
        None,
        "{:PAM} authentication failure; logname={:FIELD} uid={:FIELD} euid={:FIELD}"
        " tty={:FIELD} ruser={:FIELD} rhost={src_endpoint_ip:IPV4}",
    ),
    Shape(
        None,
        "{:PAM} authentication failure; logname={:FIELD} uid={:FIELD} euid={:FIELD}"
        " tty={:FIELD} ruser={:FIELD} rhost={src_endpoint_ip:IPV4} user={user_name:NAME}",
    ),
    # real pam_unix: a space after rhost, two before user
    *(
        Shape(
            None,
            "{:PAM} authentication failure; logname={:FIELD} uid={:FIELD} euid={:FIELD}"
            f" tty={{:FIELD}} ruser={{:FIELD}} rhost={{{host}}}{tail}",
        )
        for host in ("src_endpoint_ip:IPV4", "src_endpoint_hostname:HOST")
        for tail in (" ", "  user={user_name:NAME}")
    ),
    Shape(
        _SSHD,
        "Received disconnect from {src_endpoint_ip:IPV4} port {src_endpoint_port:PORT}:11:"
        " {:WORD} {:WORD} [preauth]",
    ),
    Shape(_SSHD, "Received disconnect from {src_endpoint_ip:IPV4}: 11: {:WORD} {:WORD} [preauth]"),
    Shape(None, "{:PAM} check pass; user unknown"),
    Shape(None, "{:PAM} session opened for user {:PAM_USER} by {:PAM_USER}"),
    Shape(None, "{:PAM} session closed for user {user_name:NAME}"),
    Shape(
        frozenset({"systemd-logind"}),
        "New session {session_uid:ID} of user {user_name:NAME}.",
    ),
    Shape(frozenset({"systemd-logind"}), "Removed session {session_uid:ID}."),
    Shape(
        frozenset({"systemd-logind"}),
        "Session {-:ID} logged out. Waiting for processes to exit.",
    ),
    Shape(
        frozenset({"sudo"}),
        "{actor_user_name:NAME} : TTY={process_tty:PATH} ; PWD={process_cwd:PATH}"
        " ; USER={:NAME} ; COMMAND={process_cmd_line:SUDO_COMMAND}",
        first_word=("process_file_path", "process_cmd_line"),
    ),
    Shape(
        frozenset({"CRON", "cron", "crond"}),
        "({actor_user_name:NAME}) CMD ({process_cmd_line:CRON_COMMAND})",
    ),
)


@dataclass(frozen=True, slots=True)
class Messages:
    """The program and message of each line that may take a shape; `usable` tells which may."""

    app: Column
    app_codes: npt.NDArray[np.intp]  # per line: its app's index in `apps`
    apps: list[str]
    message: Column
    usable: npt.NDArray[np.bool_]
    leads: list[str]  # the distinct first LEAD characters of the messages
    lead_codes: npt.NDArray[np.intp]  # per line: its message's in `leads`

    @classmethod
    def of(cls, app: Column, message: Column, usable: npt.NDArray[np.bool_]) -> Messages:
        """Index the programs and the messages' first characters (app and message: no nulls)."""
        apps = pc.dictionary_encode(app)
        lead = pc.dictionary_encode(pc.utf8_slice_codeunits(message, 0, LEAD))
        return cls(
            app,
            apps.indices.to_numpy().astype(np.intp),
            apps.dictionary.to_pylist(),
            message,
            usable,
            lead.dictionary.to_pylist(),
            lead.indices.to_numpy().astype(np.intp),
        )

    def program(self, programs: Collection[str]) -> npt.NDArray[np.bool_]:
        """Tell per line whether its program is one of `programs`."""
        return np.array([name in programs for name in self.apps], np.bool_)[self.app_codes]

    def starts(self, prefix: tuple[str, ...]) -> npt.NDArray[np.bool_]:
        """Tell per line whether its message may start with a `prefix` (its first characters do)."""
        heads = tuple(p[:LEAD] for p in prefix)
        return np.array([s.startswith(heads) for s in self.leads], np.bool_)[self.lead_codes]


@dataclass(slots=True)
class Group:
    """Lines of one shape and key (or the Base Events): one constant part, own values."""

    rows: Rows  # indices into the `Messages` columns
    constants: dict[str, Any]  # columns the normalizer sets, the same on every line
    unmapped: list[tuple[str, str | None]]  # (key, value; None: the rows' own) in order
    values: dict[str, Column]  # column -> the rows' values


class Groups:
    """Assigns the usable lines to groups: Base Events, then each shape of SHAPES in turn.

    `own`: the columns the wrapping source sets itself; a normalizer row that sets one
    of them is left to the reference.
    """

    def __init__(self, messages: Messages, own: frozenset[str]) -> None:
        self.messages = messages
        self.own = own
        self.free = messages.usable.copy()  # usable lines no group has taken
        self.groups: list[Group] = []
        # messages the normalizers read as PAM's whatever the program (a sudo or cron
        # user named `pam_x` too): only the PAM shapes may take them
        self.pam = np.zeros(len(self.free), np.bool_)
        for prefix in _PAM_OR_BARE:
            self.pam |= bools(pc.starts_with(messages.message, prefix))
        self._base_events()
        for shape in SHAPES:
            self._shape(shape)

    def taken(self) -> Rows:
        """Return the rows some group took."""
        return np.flatnonzero(self.messages.usable & ~self.free)

    def _base_events(self) -> None:
        """Take the lines whose program has no normalizer and message no PAM prefix."""
        known = self.messages.program(_HANDLERS) | self.pam
        rows = np.flatnonzero(self.free & ~known)
        if len(rows):
            self._take(Group(rows, _constants(None), [], {}))

    def _shape(self, shape: Shape) -> None:
        """Take the free lines of `shape` whose keys the reference reads as the template does."""
        messages = self.messages
        pool = self.free & self.pam if shape.pam else self.free & ~self.pam
        if shape.programs is not None:
            pool &= messages.program(shape.programs)
        if shape.prefix != ("",):
            pool &= messages.starts(shape.prefix)  # the pattern checks the rest
        rows = np.flatnonzero(pool)
        if not len(rows):
            return
        message = messages.message.take(pa.array(rows))
        hit = bools(pc.match_substring_regex(message, shape.pattern))
        if not hit.any():
            return
        rows, message = rows[hit], message.filter(pa.array(hit))
        words = pc.split_pattern(message, " ", max_splits=shape.words - 1)
        words_of = {v.column: _value(words, v) for v in shape.values}
        if shape.first_word is not None:
            column, whole = shape.first_word
            first = pc.split_pattern(words_of[whole], " ", max_splits=1)
            words_of[column] = pc.list_element(first, 0)
        words_of.pop("-", None)
        values = {c: _typed(c, v) for c, v in words_of.items()}
        # a key: the program, the key words, and which values are absent
        codes = messages.app_codes[rows].astype(np.int64)
        for i in shape.keys:
            word = pc.dictionary_encode(pc.list_element(words, i))
            codes = codes * len(word.dictionary) + word.indices.to_numpy()
            codes = np.unique(codes, return_inverse=True)[1]  # small, whatever the keys
        for v in values.values():
            codes = codes * 2 + bools(pc.is_null(v))
        order = np.argsort(codes, kind="stable")
        bounds = np.flatnonzero(np.diff(codes[order])) + 1
        for members in np.split(order, bounds):
            group = self._probe(rows, message, values, members)
            if group is not None:
                self._take(group)

    def _probe(
        self, rows: Rows, message: Column, values: dict[str, Column], members: Rows
    ) -> Group | None:
        """Ask the reference about a key's first and last line; None if it reads them otherwise."""
        taken = pa.array(members)
        group_values = {c: v.take(taken) for c, v in values.items()}
        constants: dict[str, Any] | None = None
        unmapped: list[tuple[str, str | None]] = []
        for at in {0, len(members) - 1}:
            row = int(rows[members[at]])
            partial = shared_program_row(
                self.messages.app[row].as_py(), message[int(members[at])].as_py()
            )
            expected = {c: v[at].as_py() for c, v in group_values.items()}
            seen = _split(partial, expected, self.own)
            if seen is None:
                return None
            if constants is None:
                constants, unmapped = seen
            elif seen != (constants, unmapped):
                return None
        assert constants is not None
        return Group(rows[members], constants, unmapped, group_values)

    def _take(self, group: Group) -> None:
        self.free[group.rows] = False
        self.groups.append(group)


def _constants(partial: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return the columns a row takes from a normalizer's partial row (class_name with it)."""
    if partial is None:
        return {"class_uid": 0, "class_name": CLASSES[0]}
    return {"class_name": CLASSES[partial["class_uid"]], **partial}


def _split(
    partial: Mapping[str, Any] | None, expected: dict[str, Any], own: frozenset[str]
) -> tuple[dict[str, Any], list[tuple[str, str | None]]] | None:
    """Split a partial row into its constants and unmapped entries; None if it holds
    other values than `expected` (column -> value read from the template) or sets a
    column of `own`."""
    constants = _constants(partial)
    if own & constants.keys():
        return None
    unmapped_row = constants.pop("unmapped", None) or {}
    for column, value in expected.items():
        if column.startswith("unmapped."):
            if unmapped_row.get(column[len("unmapped.") :]) != value:
                return None
        elif constants.pop(column, None) != value:
            return None
    entries = [(k, None if f"unmapped.{k}" in expected else v) for k, v in unmapped_row.items()]
    return constants, entries


def _value(words: Column, value: _Value) -> Column:
    """Return the value a template word holds, its literal prefix and suffix cut off."""
    word = pc.list_element(words, value.word)
    if value.prefix or value.suffix:
        word = pc.utf8_slice_codeunits(word, value.prefix, -value.suffix or None)
    if value.kind in _TRIMMED:
        word = pc.utf8_trim(word, " ")
    return word


def _typed(column: str, text: Column) -> Column:
    """Return a value as its column holds it: empty is absent, numbers are numbers."""
    text = pc.if_else(pc.equal(text, pa.scalar("", STR)), pa.scalar(None, STR), text)
    if column.startswith("unmapped."):
        return text
    kind = EVENTS.field(column).type
    if pa.types.is_integer(kind):
        number = text.cast(pa.int64())
        if column.endswith("_port"):  # programs.common.to_port
            number = pc.if_else(pc.less_equal(number, pa.scalar(65535)), number, None)
        return number.cast(kind)
    return text


def group_column(group: Group, name: str, kind: ArrowType) -> Column:
    """Return one column of a group's rows: its values, its constant, or nulls."""
    n = len(group.rows)
    if name in group.values:
        return group.values[name].cast(kind)
    if name in group.constants:
        return pa.array([group.constants[name]], kind).take(np.zeros(n, np.intp))
    return pa.nulls(n, kind)


def group_unmapped(group: Group) -> Column:
    """Return the unmapped maps of a group's rows: constant entries and value entries."""
    n = len(group.rows)
    width = len(group.unmapped)
    if not width:
        return pa.nulls(n, STR_MAP)
    keys: Column = pa.array([k for k, _ in group.unmapped], STR).take(np.tile(np.arange(width), n))
    items = [
        group.values[f"unmapped.{k}"] if v is None else pa.repeat(pa.scalar(v, STR), n)
        for k, v in group.unmapped
    ]
    interleave = (np.arange(n)[:, None] + np.arange(width)[None, :] * n).ravel()
    values: Column = pa.concat_arrays(items).take(interleave)
    offsets: Column = pa.array(np.arange(0, (n + 1) * width, width, dtype=np.int32))
    return pa.MapArray.from_arrays(offsets, keys, values)  # STR_MAP: both are strings
