"""``--json`` commands answer a refusal in JSON on stdout too, as they answer a result.

A script reading ``pathwise import FILE --json`` got click's plain-text usage error on
stderr, and nothing on stdout, for a file that does not exist.
"""

from __future__ import annotations

import json
from typing import Any

import click

__all__ = ["JsonRefusals", "LogRefusal", "refusal_line"]


class JsonRefusals(click.Command):
    """With ``--json``, a click refusal is ``{"error": {"code", "message", "problems"}}`` on stdout.

    ``code`` is ``USAGE`` for a wrong option or argument (a missing file, a value out of
    range), ``INVALID`` for a refusal the command raised; the exit status stays click's.
    """

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        try:  # a missing file or a value out of range is refused while the options are parsed
            return super().make_context(info_name, list(args), parent, **extra)
        except click.ClickException as error:
            if "--json" not in args:
                raise
            click.echo(refusal_line(error))
            raise SystemExit(error.exit_code) from None

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except click.ClickException as error:
            if not ctx.params.get("as_json"):
                raise
            click.echo(refusal_line(error))
            ctx.exit(error.exit_code)


def refusal_line(error: click.ClickException) -> str:
    """A click refusal as one JSON line.

    >>> refusal_line(click.UsageError("give --format"))
    '{"error": {"code": "USAGE", "message": "give --format", "problems": []}}'
    """
    code = "USAGE" if isinstance(error, click.UsageError) else "INVALID"
    problems = list(getattr(error, "problems", []))  # a log's lines (LogRefusal): a script reads them here
    return json.dumps({"error": {"code": code, "message": error.format_message(), "problems": problems}})


class LogRefusal(click.ClickException):
    """A malformed log refused by a command: the message lists its problems, and ``problems`` holds each.

    ``evaluate mastery --json`` put the file and line of each only in the message, with
    ``problems`` empty, where ``attempts import --json`` fills it: a script had to parse text.
    """

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems
