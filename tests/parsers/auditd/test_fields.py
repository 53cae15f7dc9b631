"""Field splitting and interpretation: quirks of real logs, hex by kind, unset values."""

from __future__ import annotations

import time
from pathlib import Path

from auditlake.parsers.auditd.fields import (
    Pair,
    escape_bytes,
    field_texts,
    interpret,
    is_plain,
    plain_texts,
    split_fields,
    tokens,
    unescape_text,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import bodies, corpus_records


def test_double_spaces_and_quoted_numbers() -> None:
    assert tokens('pid=1  exe="/bin/x"   success="yes" cap_frootid="0"') == [
        ("pid", "1"),
        ("exe", '"/bin/x"'),
        ("success", '"yes"'),
        ("cap_frootid", '"0"'),
    ]
    assert interpret("SYSCALL", "success", '"yes"') == "yes"


def test_double_equals_subject_keeps_the_second_equals() -> None:
    assert tokens("subj==unconfined key=(null)") == [("subj", "=unconfined"), ("key", "(null)")]


def test_nested_msg_fields_follow_outer_and_duplicates_are_kept() -> None:
    body = "pid=2948 uid=0 auid=1000 msg='pam_tally2 uid=1004 reset=0 res=success'"
    assert split_fields(body) == [
        ("pid", "2948"),
        ("uid", "0"),
        ("auid", "1000"),
        ("text", "pam_tally2"),
        ("uid", "1004"),
        ("reset", "0"),
        ("res", "success"),
    ]


def test_nested_msg_runs_to_the_last_quote() -> None:
    body = """pid=1 msg='op=PAM:authentication acct="system-property('xsl:vendor')/>" res=failed'"""
    assert split_fields(body)[1:] == [
        ("op", "PAM:authentication"),
        ("acct", "\"system-property('xsl:vendor')/>\""),
        ("res", "failed"),
    ]


def test_old_pam_form_loses_separators_and_parentheses() -> None:
    body = "user pid=1 msg='PAM: session open acct=root : exe=\"/usr/sbin/crond\" (hostname=?, addr=?, terminal=cron res=success)'"
    assert split_fields(body) == [
        ("text", "user"),
        ("pid", "1"),
        ("text", "PAM: session open"),
        ("acct", "root"),
        ("exe", '"/usr/sbin/crond"'),
        ("hostname", "?"),
        ("addr", "?"),
        ("terminal", "cron"),
        ("res", "success"),
    ]


def test_old_login_names_become_todays() -> None:
    assert tokens("login pid=1 uid=0 old auid=4294967295 new auid=0 old ses=1 new ses=2") == [
        ("text", "login"),
        ("pid", "1"),
        ("uid", "0"),
        ("old-auid", "4294967295"),
        ("auid", "0"),
        ("old-ses", "1"),
        ("ses", "2"),
    ]


def test_words_after_a_field_extend_its_value() -> None:
    assert tokens("op=adding group to /etc/group id=1004 subj=/usr/sbin/cupsd (enforce)") == [
        ("op", "adding group to /etc/group"),
        ("id", "1004"),
        ("subj", "/usr/sbin/cupsd (enforce)"),
    ]


def test_text_glued_to_a_closing_quote_or_brace_is_kept() -> None:
    assert tokens('acct="a"b res=ok x={y}z') == [
        ("acct", '"a"b'),
        ("res", "ok"),
        ("x", "{y}z"),
    ]


def test_enriched_braces_hold_spaces() -> None:
    assert tokens("SADDR={ saddr_fam=local path=/run/x }") == [
        ("SADDR", "{ saddr_fam=local path=/run/x }")
    ]


def test_hex_is_decoded_for_string_kinds_only() -> None:
    assert interpret("SYSCALL", "exe", "2F62696E2F612062") == "/bin/a b"
    assert interpret("CWD", "cwd", "2F746D702F6120622063") == "/tmp/a b c"
    assert interpret("USER_LOGIN", "acct", "28696E76616C6964207573657229") == "(invalid user)"
    assert interpret("EXECVE", "a2", "67726570") == "grep"
    assert interpret("EXECVE", "a1[0]", "41") == "A"
    # registers and capability sets look like hex but are not strings
    assert interpret("SYSCALL", "a2", "4142") == "4142"
    assert interpret("PATH", "cap_fp", "0000000000000000") == "0000000000000000"
    # a bare string that is not hex (already interpreted logs) stays as written
    assert interpret("SYSCALL", "comm", "top") == "top"


def test_multiple_rule_keys_decode_with_their_separator() -> None:
    assert interpret("SYSCALL", "key", "65786563013634626974") == "exec\x0164bit"


def test_unset_markers_become_none() -> None:
    assert interpret("SYSCALL", "key", "(null)") is None
    assert interpret("SYSCALL", "tty", '"(none)"') is None
    assert interpret("USER_LOGIN", "hostname", "?") is None
    assert interpret("SYSCALL", "auid", "4294967295") is None
    assert interpret("LOGIN", "old-ses", "4294967295") is None
    # 4294967295 is only "unset" in id fields
    assert interpret("SYSCALL", "exit", "4294967295") == "4294967295"


def test_invalid_utf8_from_hex_is_escaped_losslessly() -> None:
    value = interpret("PATH", "name", "5C636166E9")  # b"\\caf\xe9"
    assert value == "\\\\caf\\xe9"
    assert unescape_text(value) == b"\\caf\xe9"


@given(st.binary(max_size=64))
def test_escape_round_trips_any_bytes(data: bytes) -> None:
    text = escape_bytes(data)
    try:
        data.decode()
    except UnicodeDecodeError:
        assert unescape_text(text) == data
    else:
        assert text == data.decode()


def pairs_of(texts: list[str]) -> list[Pair]:
    """Cut each `key=value` text at its first `=`."""
    return [(key, raw) for key, _, raw in (text.partition("=") for text in texts)]


def plain_pairs(body: str) -> list[Pair] | None:
    """Return the pairs of the fast path, or None where it does not apply."""
    texts = plain_texts(body)
    return pairs_of(texts) if all(map(is_plain, texts)) else None


def test_plain_body_is_cut_at_its_spaces() -> None:
    body = "pid=1 uid=0 subj==unconfined msg='op=login acct=\"bob\" key={x} res=success'"
    assert plain_pairs(body) == split_fields(body)


def test_value_that_may_run_on_is_not_plain() -> None:
    for body in ('a="x b=y"', "a={x b=y}", "a=1  b=2", "a=1\tb=2", "a=1 word", "msg='x' y=1"):
        assert plain_pairs(body) is None, body


@settings(max_examples=500, deadline=None)
@given(bodies())
def test_plain_texts_are_the_pairs_split_fields_finds(body: str) -> None:
    pairs = plain_pairs(body)
    assert pairs is None or pairs == split_fields(body)
    assert pairs_of(field_texts(body)) == split_fields(body)


def test_plain_texts_are_the_pairs_split_fields_finds_in_the_corpus(corpus: Path) -> None:
    records = corpus_records()
    plain = 0
    for record in records:
        pairs = plain_pairs(record.body)
        assert pairs is None or pairs == split_fields(record.body), record.raw
        assert pairs_of(field_texts(record.body)) == split_fields(record.body), record.raw
        plain += pairs is not None
    assert plain > 0.9 * len(records)  # the fast path is the common one


def test_words_after_a_quote_opened_mid_value_are_kept() -> None:
    # the pairs-only check once cut `(hostname="=...` mid-value to accept the text, and
    # `_PAIR.findall` then dropped the words after the first value
    assert tokens('a=(hostname="=\u00a0}PAM: x"') == [("a", '(hostname="= }PAM: x"')]


def test_failed_pairs_only_check_is_not_exponential() -> None:
    # trying every way to cut `a=a=...` into pairs took 2**n steps (minutes at n=30)
    start = time.perf_counter()
    assert tokens("a=" * 40 + " x") == [("a", "a=" * 39 + " x")]
    assert time.perf_counter() - start < 1


def test_old_pam_hostname_of_a_long_line_is_linear() -> None:
    # `_OLD_PAM` tried at every ` (` of a line not ending in `)`: quadratic, minutes a MiB
    body = "msg='PAM: " + " (hostname=x" * 90_000 + " x'"
    start = time.perf_counter()
    assert split_fields(body)[-1] == ("(hostname", "x x")  # no `)` at the end: kept
    assert time.perf_counter() - start < 1
    short = "msg='PAM: setcred acct=root exe=/x (hostname=h, addr=?, terminal=cron res=success)'"
    assert split_fields(short)[-4:] == [
        ("hostname", "h"),
        ("addr", "?"),
        ("terminal", "cron"),
        ("res", "success"),
    ]


def test_many_unclosed_braces_split_in_linear_time() -> None:
    # each `k={` was scanned to the end for its `}`: a minute per 100 KB
    text = "k={ " * 25_000
    start = time.perf_counter()
    assert len(tokens(text)) == 25_000
    assert time.perf_counter() - start < 1
    saddr = "SADDR={ saddr_fam=inet laddr=10.0.0.1 lport=22 } x=1"
    assert tokens(saddr) == [("SADDR", "{ saddr_fam=inet laddr=10.0.0.1 lport=22 }"), ("x", "1")]


def test_many_words_after_a_field_join_its_value_in_linear_time() -> None:
    # each word rebuilt the value it joins: 8 s for a 1 MiB line
    text = "a=b" + " x" * 500_000 + " c=d old"
    start = time.perf_counter()
    assert tokens(text) == [("a", "b" + " x" * 500_000), ("c", "d old")]
    assert time.perf_counter() - start < 1
