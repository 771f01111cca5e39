"""The ``--seed`` option every training and evaluation command takes, said once."""

from __future__ import annotations

import click

__all__ = ["seed_option"]

seed_option = click.option(
    "--seed",
    type=int,
    default=7,
    show_default=True,
    help="Fixes the shuffles and initial weights: the same seed and data give the same figures.",
)
