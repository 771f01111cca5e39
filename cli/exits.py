"""How a refused ``pathwise`` command reports and exits 1: one line on stderr, or JSON on stdout.

Every command refuses the same way, whichever module holds it (``cli.attempts``,
``cli.report``...), so the wording of a domain error and its hints live here once.
"""

from __future__ import annotations

import json
import sys

import click

from graph.errors import DanglingReferences, KnowledgeGraphError, PrerequisiteCycle, ValidationFailed

__all__ = ["JSON_REQUESTED", "fail", "stop"]


def fail(error: KnowledgeGraphError, *, as_json: bool = False) -> None:
    """Report a refused command and exit 1; with ``as_json`` the report is JSON on stdout, as a success's is."""
    problems = getattr(error, "problems", None)
    if as_json:
        cycles = [list(c) for c in error.cycles] if isinstance(error, PrerequisiteCycle | ValidationFailed) else []
        report = {
            "code": error.code.value,
            "message": error.message,
            "problems": list(problems or []),
            "cycles": cycles,
        }
        click.echo(json.dumps({"error": report}, indent=2))
        sys.exit(1)
    head = f"{len(problems)} problem(s):" if problems else error.message  # the list follows: not twice
    click.secho(f"error [{error.code.value}]: {head}", fg="red", err=True)
    if problems:
        for line in problems:
            click.echo(f"  - {line}", err=True)
    if isinstance(error, PrerequisiteCycle):
        for cycle, where in zip(error.cycles, error.where, strict=True):
            click.echo(f"  cycle: {' -> '.join([*cycle, cycle[0]])}{where}", err=True)
    if isinstance(error, DanglingReferences):
        click.echo("  (pass --allow-dangling to import without the links to unknown ids)", err=True)
    if isinstance(error, PrerequisiteCycle) or (isinstance(error, ValidationFailed) and error.cycles):
        click.echo("  (pass --break-cycles to import without the edges that close them)", err=True)
    sys.exit(1)


JSON_REQUESTED = "pathwise.json"  # in the context's meta (shared by the group and its command): --json given


def stop(message: str, problems: list[str] | None = None) -> None:
    """Say ``message`` as an error on stderr and exit 1; on stdout in JSON when the command line has ``--json``.

    A setting out of range, a file that is not UTF-8, the pseudonym secret: refused before or
    outside a command's own reporting, these reached a script reading ``--json`` as plain text
    on stderr, with nothing on stdout.
    """
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.meta.get(JSON_REQUESTED):
        error = {"code": "INVALID", "message": message, "problems": list(problems or []), "cycles": []}
        click.echo(json.dumps({"error": error}, indent=2))
        sys.exit(1)
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(1)
