"""Split a record body into fields and interpret each value by its kind.

Field syntax: `key=value` separated by spaces; a value is `"quoted"` (a literal
string), bare (a number, a token, or hex), or `{ ... }` (ENRICHED SADDR). A quote or
brace ends a value only before a space or the end: text glued to it (`acct="a"b`)
makes the value bare up to the next space, never dropped. User-space
records nest their own fields in `msg='...'`: they are split like the outer ones and
follow them; the nested text runs to the last `'` of the body, since values inside may
hold a `'` themselves (e.g. `acct="system-property('xsl:vendor')/>"`). A key may occur
twice (`uid=` outside and inside `msg='...'`): both are kept, in order, never merged.

Tolerated oddities: double spaces; `subj==unconfined` (the value is `=unconfined`);
words that are not `key=value` (`auditd start, ver=...`, `avc:  denied  { read } for`,
`op=adding group to /etc/group`): words before the first field become the field
`text`, words after a field extend that field's value (`subj=/usr/sbin/cupsd
(enforce)`); the kernel's old `old auid=` / `new auid=` become today's `old-auid` / `auid`;
old PAM `PAM: setcred acct=root : exe=... (hostname=?, addr=?, terminal=cron
res=success)` loses its `:` separator, parentheses and commas.

Values are decoded by field *kind*, as auparse does (typetab.h), not by a fixed list of
records: a string-kind field (`name`, `exe`, `comm`, `cwd`, `proctitle`, `key`, `cmd`,
`acct`, `data`, EXECVE `aN` and `aN[i]`, ...) holds either `"text"` or, when the text
contains a space, a quote, a control or a non-ASCII byte, the upper-case hex of its
bytes. Register-kind fields (SYSCALL `a0`..`a3`) and `saddr` stay as written. `?`,
`(null)` and `(none)` mean "no value", and so do `4294967295` / `-1` in id fields
(`auid`, `uid`, `ses`, ...): all become None (NULL).

Most bodies are plain pairs one space apart (`is_plain`): cut at their spaces
(`plain_texts`) they give the same fields, with no per-field matching.

Lossless text rule: bytes that are valid UTF-8 become that text, unchanged. Bytes that
are not (a hex-decoded value, or user-space text carrying raw bytes) become text in
which every invalid byte is written `\\xNN` and every backslash of the input is
doubled, so the exact bytes can be recovered (`unescape_text`). A record row whose
`raw` needed this rule is flagged with `fields['raw_escaped'] = 'true'`; a hex-decoded
column value can always be recovered exactly from the hex kept in `raw`.
"""

from __future__ import annotations

import re

Pair = tuple[str, str]

# A brace value (ENRICHED's `SADDR={ saddr_fam=inet laddr=... }`, under 200 characters)
# is at most BRACE_MAX long: each `k={` is scanned to its `}`, and `k={ ` repeated with
# no `}` near made that quadratic (a minute per 100 KB).
BRACE_MAX = 512
_BRACE = r"\{[^}]{0," + str(BRACE_MAX) + r"}\}(?!\S)"
_VALUE = r"""("[^"]*"(?!\S)|""" + _BRACE + r"""|\S*)"""
_TOKEN = re.compile(r"([^\s=]+)=" + _VALUE + r"|(\S+)")
_PAIR = re.compile(r"([^\s=]+)=" + _VALUE)
# Text made only of `key=value` pairs (the common case) is split by one findall.
# Each pair is atomic, as `_PAIR.findall` reads it: else a failed match tried every way
# of cutting `a=a=a=...` into pairs (2**n: 30 pairs took minutes).
_ONLY_PAIRS = re.compile(r"""(?>\s*[^\s=]+=(?:"[^"]*"(?!\S)|""" + _BRACE + r"""|\S*))*\s*""")
_HEX = re.compile(r"(?:[0-9A-F]{2})+")
_EXECVE_ARG = re.compile(r"a\d+(?:\[\d+\])?")
_OLD_PAM = re.compile(r" \((hostname=.*)\)$")
# A pair `tokens` reads the same wherever it stands: a key, no whitespace, and a value
# opened by `"` or `{` closed within the pair (else it could run on into later pairs).
_PLAIN_PAIR = re.compile(r"""[^\s=]+=(?:"[^"\s]*"\S*|\{[^}\s]*\}\S*|[^"{\s]\S*|)""")

# auparse typetab.h AUPARSE_TYPE_ESCAPED (and friends): values that are hex when needed.
STRING_KIND = frozenset(
    {
        "name", "watch", "dir", "path", "ocomm", "data", "comm", "exe", "file", "cwd", "key",
        "acct", "cmd", "proctitle", "vm", "old-chardev", "new-chardev", "old-disk",
        "new-disk", "old-fs", "new-fs", "old-net", "new-net", "device", "cgroup", "new-rng",
        "old-rng", "sw", "root_dir", "grp", "new_group",
    }
)  # fmt: skip
# Fields holding a user, group or session id, where 4294967295 (u32 -1) means unset.
ID_KIND = frozenset(
    {
        "auid", "uid", "euid", "suid", "fsuid", "gid", "egid", "sgid", "fsgid", "ouid",
        "ogid", "ses", "old-auid", "new-auid", "old-ses", "new-ses", "loginuid",
        "old-loginuid", "sauid", "oauid", "iuid", "obj_uid", "obj_gid", "id",
    }
)  # fmt: skip
UNSET = frozenset({"?", "(null)", "(none)"})
UNSET_ID = frozenset({"4294967295", "-1"})


def escape_bytes(data: bytes) -> str:
    """Return `data` as text by the lossless rule (see the module docstring)."""
    try:
        return data.decode()
    except UnicodeDecodeError:
        return data.replace(b"\\", b"\\\\").decode("utf-8", "backslashreplace")


def unescape_text(text: str) -> bytes:
    """Invert `escape_bytes` for a text that needed escaping."""
    out = bytearray()
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and text[i + 1 : i + 2] == "\\":
            out += b"\\"
            i += 2
        elif ch == "\\" and text[i + 1 : i + 2] == "x":
            out.append(int(text[i + 2 : i + 4], 16))
            i += 4
        else:
            out += ch.encode()
            i += 1
    return bytes(out)


def split_fields(body: str) -> list[Pair]:
    """Split a record body (without its ENRICHED part) into (key, raw value) pairs."""
    parts = _nested_parts(body)
    if parts is None:
        return tokens(body)
    outer, nested, rest = parts
    if nested.startswith("PAM: "):
        nested = _old_pam(nested).replace(", ", " ")
    return tokens(outer) + tokens(nested) + tokens(rest)


def _old_pam(nested: str) -> str:
    """Drop the parentheses of old PAM's trailing `(hostname=...)`, as `_OLD_PAM.sub` would.

    Only a `)` at the end (before a last newline) can close the match, and only a ` (`
    after the last newline before it can open one: searching there alone keeps it linear
    (tried at every ` (`, a long line of them took minutes).
    """
    end = nested[:-1] if nested.endswith("\n") else nested
    if not end.endswith(")"):
        return nested
    m = _OLD_PAM.search(nested, end.rfind("\n") + 1)
    return nested if m is None else f"{nested[: m.start()]} {m.group(1)}{nested[m.end() :]}"


def field_texts(body: str) -> list[str]:
    """Return the pairs of `split_fields(body)` as `key=value` texts (a key holds no `=`)."""
    return [f"{key}={raw}" for key, raw in split_fields(body)]


def plain_texts(body: str) -> list[str]:
    """Cut a body at its spaces into `key=value` texts, the nested `msg='...'` in line.

    These are the fields `split_fields` finds, in order, when every text is plain
    (`is_plain`): then a text cut at its first `=` is a pair of `split_fields`. A body
    with text around its `msg='...'` or the old PAM form yields a text that is not plain.
    """
    parts = _nested_parts(body)
    if parts is not None:
        outer, nested, rest = parts  # outer is empty or ends with its separating space
        body = "" if rest or nested.startswith("PAM: ") else outer + nested
    return body.split(" ")


def is_plain(text: str) -> bool:
    """Tell whether a text cut at spaces is one `key=value` pair wherever it stands."""
    return _PLAIN_PAIR.fullmatch(text) is not None


def _nested_parts(body: str) -> tuple[str, str, str] | None:
    """Return (text before, inside, after) a user-space `msg='...'`; None if there is none."""
    start = body.find("msg='")
    if start < 0 or (start > 0 and body[start - 1] != " "):
        return None
    end = body.rfind("'")
    if end < start + 5:
        return None
    return body[:start], body[start + 5 : end], body[end + 1 :]


def tokens(text: str) -> list[Pair]:
    """Split `key=value` text; stray words attach as the module docstring says."""
    if _ONLY_PAIRS.fullmatch(text):
        return _PAIR.findall(text)
    out: list[Pair] = []
    words: list[str] = []
    tail: list[str] = []  # words after the last field, joined to its value once
    prefix = ""
    for m in _TOKEN.finditer(text):
        key, value, word = m.group(1, 2, 3)
        if word is None:
            _extend_last(out, tail)
            if prefix:  # today's names: "old auid" -> old-auid, "new auid" -> auid
                key, prefix = (key if prefix == "new-" else prefix + key), ""
            out.append((key, value))
            continue
        if prefix:  # "old"/"new" not followed by a field: an ordinary word after all
            word, prefix = prefix[:-1] + " " + word, ""
        if word in ("old", "new"):
            prefix = word + "-"  # the kernel's old LOGIN: "old auid=1 new auid=2"
        elif word == ":":
            continue
        elif out:
            tail.append(word)
        else:
            words.append(word)
    _extend_last(out, tail)
    if prefix:
        if out:
            out[-1] = (out[-1][0], f"{out[-1][1]} {prefix[:-1]}")
        else:
            words.append(prefix[:-1])
    if words:
        out.insert(0, ("text", " ".join(words)))
    return out


def _extend_last(out: list[Pair], words: list[str]) -> None:
    """Join `words` to the value of the last pair (a word at a time was quadratic); empty them."""
    if words:
        key, value = out[-1]
        out[-1] = (key, " ".join([value, *words]))
        words.clear()


def is_string_kind(record_type: str, key: str) -> bool:
    """Tell whether a field holds a string that auditd hex-encodes when needed."""
    return key in STRING_KIND or (
        record_type == "EXECVE" and _EXECVE_ARG.fullmatch(key) is not None
    )


def value_bytes(raw: str, string_kind: bool) -> bytes | None:
    """Return the bytes a string-kind value stands for (None if it is not a string)."""
    if raw[:1] == '"':
        return raw[1:-1].encode() if raw.endswith('"') and len(raw) > 1 else raw[1:].encode()
    if string_kind and _HEX.fullmatch(raw):
        return bytes.fromhex(raw)
    return None


# Fields whose quoted value is always itself: the kernel writes PATH `name=(null)`
# unquoted when an item has no name, so `name="(null)"` is a file called `(null)`. (User
# space does quote its unset values: `tty="(none)"`, `acct="?"`.)
QUOTED_IS_LITERAL = frozenset({"name"})


def interpret(record_type: str, key: str, raw: str) -> str | None:
    """Interpret one raw value: unquote, hex-decode string kinds, map unset to None."""
    return interpret_value(
        raw, is_string_kind(record_type, key), key in ID_KIND, key in QUOTED_IS_LITERAL
    )


def interpret_value(
    raw: str, string_kind: bool, id_kind: bool, quoted_literal: bool = False
) -> str | None:
    """Interpret one raw value of a field whose kinds the caller already knows."""
    if raw[:1] == '"':
        value = raw[1:-1] if len(raw) > 1 and raw[-1] == '"' else raw[1:]
        if quoted_literal:
            return value
    elif string_kind and _HEX.fullmatch(raw):
        value = escape_bytes(bytes.fromhex(raw))
    else:
        value = raw
    if value in UNSET or (id_kind and value in UNSET_ID):
        return None
    return value


INT64_MAX = 2**63 - 1


def decimal(digits: str) -> int | None:
    """Return the number a text of decimal digits spells; None if int() will not read it.

    int() refuses more than sys.get_int_max_str_digits() digits (4300: a guard against
    its quadratic conversion), and a log line may hold more: that raised mid-batch.
    """
    try:
        return int(digits)
    except ValueError:
        return None


def to_int(value: str | None, limit: int = INT64_MAX) -> int | None:
    """Parse a decimal integer field; None when absent, not a number, or beyond +-limit."""
    if value is None or not value.isascii():
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if -limit - 1 <= number <= limit else None
