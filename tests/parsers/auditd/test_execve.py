"""argv from EXECVE records (fragments across records) and the PROCTITLE fallback."""

from __future__ import annotations

from auditlake.parsers.auditd.execve import argv, proctitle_argv
from auditlake.parsers.auditd.fields import field_texts

from .conftest import Parse


def test_fragments_spread_over_records_join_into_one_argument() -> None:
    records = [
        field_texts('argc=3 a0="echo" a1_len=12 a1[0]=68656C6C6F20'),
        field_texts(' a1[1]=776F726C6421 a2="end"'),
    ]
    assert argv(records) == (["echo", "hello world!", "end"], 3)


def test_fragments_may_split_a_multibyte_character() -> None:
    # "é" is C3 A9; the kernel cuts at byte boundaries
    records = [field_texts("argc=1 a0_len=4 a0[0]=C3"), field_texts("a0[1]=A9")]
    assert argv(records) == (["é"], 1)


def test_missing_arguments_are_left_out_and_counted_by_argc() -> None:
    assert argv([field_texts('argc=3 a0="x" a2="z"')]) == (["x", "z"], 3)


def test_forged_argc_or_index_costs_no_more_than_the_arguments_written() -> None:
    # argc and aN are text in the log: neither may make argv walk billions of indices
    huge = field_texts('argc=4294967295 a0="ls" a4294967294="x"')
    assert argv([huge]) == (["ls", "x"], 4294967295)
    assert argv([field_texts('a0="ls" a999999999="x"')]) == (["ls", "x"], None)


def test_argc_in_other_digits_is_not_a_count() -> None:
    assert argv([field_texts('argc=\u00b2 a0="ls" a1="-l"')]) == (["ls", "-l"], None)


def test_proctitle_is_split_at_nul() -> None:
    assert proctitle_argv("2F62696E2F7368002D6300") == ["/bin/sh", "-c"]
    assert proctitle_argv('"bash"') == ["bash"]


def test_syscall_registers_never_mix_with_argv(parse: Parse) -> None:
    out = parse(
        b'type=SYSCALL msg=audit(10.000:1): arch=c000003e syscall=59 success=yes exit=0 a0=aa a1=bb a2=cc a3=dd items=0 pid=1 auid=1 uid=0 comm="ls" exe="/bin/ls"\n'
        b'type=EXECVE msg=audit(10.000:1): argc=2 a0="ls" a1="-l"\n'
    )
    (event,) = out.events
    assert event["process_args"] == ["ls", "-l"]
    syscall, execve = out.auditd_records
    assert (syscall["a0"], syscall["a1"], syscall["a2"], syscall["a3"]) == ("aa", "bb", "cc", "dd")
    assert (execve["a0"], execve["a1"], execve.get("a2")) == ("ls", "-l", None)


def test_proctitle_stands_in_only_without_execve(parse: Parse) -> None:
    out = parse(
        b'type=SYSCALL msg=audit(10.000:1): arch=c000003e syscall=42 success=yes exit=0 a0=3 a1=0 a2=0 a3=0 items=0 pid=1 comm="curl"\n'
        b"type=PROCTITLE msg=audit(10.000:1): proctitle=6375726C002D73\n"
        b'type=SYSCALL msg=audit(10.000:2): arch=c000003e syscall=59 success=yes exit=0 a0=3 a1=0 a2=0 a3=0 items=0 pid=2 comm="id"\n'
        b'type=EXECVE msg=audit(10.000:2): argc=1 a0="id"\n'
        b"type=PROCTITLE msg=audit(10.000:2): proctitle=69640078\n"
    )
    first, second = out.events
    assert (first["process_args"], first["unmapped"]["argv_source"]) == (
        ["curl", "-s"],
        "proctitle",
    )
    assert second["process_args"] == ["id"]
    assert "argv_source" not in second["unmapped"]


def test_arguments_read_again_come_out_the_same() -> None:
    records = [field_texts('argc=3 a0="ls" a1=2D6C a2_len=2 a2[0]=2F a2[1]=78')]
    first = argv(records)
    assert first == (["ls", "-l", "/x"], 3)
    assert argv(records) == first  # the second time from the cache


def test_argc_or_index_of_more_digits_than_int_reads_is_no_number() -> None:
    # int() refuses over 4300 digits: these raised out of the batch
    digits = "9" * 5000
    assert argv([field_texts(f'argc={digits} a0="ls"')]) == (["ls"], None)
    assert argv([field_texts(f'a0="ls" a{digits}="x" a1[{digits}]=78')]) == (["ls"], None)


def test_event_with_argc_of_more_digits_than_int_reads_is_a_row(parse: Parse) -> None:
    line = f'type=EXECVE msg=audit(1700000000.123:45): argc={"9" * 5000} a0="ls"\n'
    out = parse(line.encode())
    assert [e["process_args"] for e in out.events] == [["ls"]]
