"""The command line: parse options, call one library function, render the result.

The only module that imports click. Library errors (`AuditlakeError`) become one
`Error: ...` line on stderr and exit code 2; tracebacks only with `--debug`.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from auditlake.errors import AuditlakeError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AuditlakeError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"Error: {exc}", err=True)
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


# --- query (owner: queries) -------------------------------------------------------


# --- detect, rules, demo (owner: detections) ----------------------------------------


def main() -> None:
    """Console-script entry point; click's usage errors exit with 2 as DESIGN §7 says."""
    try:
        cli.main(standalone_mode=True)
    except SystemExit as exc:
        sys.exit(exc.code)
