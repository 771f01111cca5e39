"""Every option of the ``pathwise`` command says what it does in ``--help``.

``train retriever --batch-size``, ``report trend --interval`` and seven others showed
only their default: a user had to read the code to learn what a seed or a threshold did.
"""

from __future__ import annotations

import click

from cli.main import main


def options_without_help(command: click.Command, path: tuple[str, ...] = ()) -> list[str]:
    if isinstance(command, click.Group):
        return [o for name, sub in command.commands.items() for o in options_without_help(sub, (*path, name))]
    return [
        f"{' '.join(path)} {param.opts[0]}"
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden and not param.help
    ]


def test_every_option_has_help_text() -> None:
    assert options_without_help(main) == []
