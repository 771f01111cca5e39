"""``pathwise evaluate mastery``: score knowledge-tracing models on a public data set.

Defined as a standalone ``click.Command`` (``evaluate_mastery``) for the main CLI to
register. Files are read with the attempt readers of ``ingest.attempts``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import click

from cli.train import DEFAULT_BUDGET_MINUTES

__all__ = ["evaluate_mastery", "model_names"]

COLUMNS = ("model", "auc", "accuracy", "rmse", "log_loss", "ece", "train_seconds", "n_scored")


def _format(value: object) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.4f}" if abs(value) < 100 else f"{value:.1f}"
    return str(value)


def _table(rows: list[dict[str, float | str]]) -> str:
    """Right-aligned numbers under a header, one line per model."""
    cells = [list(COLUMNS)] + [[_format(row[c]) for c in COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = []
    for line in cells:
        first = line[0].ljust(widths[0])
        lines.append("  ".join([first] + [cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)]))
    return "\n".join(lines)


def model_names(models: str, *, has_items: bool) -> list[str]:
    """The models ``--models`` asks for; ``all`` leaves out PFA with item ids when the log has no items."""
    from ml.mastery.registry import MODELS

    if models != "all":
        return [name.strip() for name in models.split(",") if name.strip()]
    return [name for name in MODELS if has_items or name != "pfa-items"]


@click.command(name="mastery")
@click.option(
    "--format", "layout", type=click.Choice(["akt", "pykt", "csv", "dkvmn", "xapi"]), required=True,
    help="Layout of the files.",
)  # fmt: skip
@click.option(
    "--train", "train_files", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    multiple=True, required=True,
    help="Training files; repeat the flag or list them after it (--train F2 F3 F4 F5).",
)  # fmt: skip
@click.argument("more_train_files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--test", "test_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@click.option("--models", default="all", show_default=True, help="'all' or a comma-separated list of model names.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per model instead of a table.")
@click.option("--threads", type=int, default=1, show_default=True, help="Torch intra-op threads.")
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--max-epochs", type=int, default=30, show_default=True)
@click.option("--members", type=int, default=None, help="Networks in each PathwiseKT ensemble (default 3).")
@click.option("--max-minutes", type=float, default=DEFAULT_BUDGET_MINUTES, show_default=True,
              help="Stop each model's training after this long (0: no limit).")  # fmt: skip
@click.option(
    "--cold-start", type=float, default=None,
    help="Withhold this fraction of the concepts from training and score only the test rows on them.",
)  # fmt: skip
def evaluate_mastery(
    layout: str,
    train_files: tuple[Path, ...],
    more_train_files: tuple[Path, ...],
    test_file: Path,
    models: str,
    as_json: bool,
    threads: int,
    seed: int,
    max_epochs: int,
    members: int | None,
    max_minutes: float | None,
    cold_start: float | None,
) -> None:
    """Fit mastery models on TRAIN files and score one-step-ahead predictions on the TEST file.

    The protocol (README, "The mastery model"): split by student, one step ahead, a row's
    history holds only earlier attempts, each student's first attempt unscored, AUC
    pooled. Concept names that are words (the ASSISTments 2009 skill names) are the
    concepts' text for the text-initialised model.
    """
    from cli.progress import ProgressBars
    from ingest.attempts.formats import read_attempts
    from ml.mastery.base import TrainingArguments, budget_seconds
    from ml.mastery.cold_start import withhold_concepts
    from ml.mastery.data import name_texts
    from ml.mastery.evaluate import run_evaluation
    from ml.mastery.registry import MEMBERS, MODELS, with_members

    train = read_attempts([*train_files, *more_train_files], layout)
    test = read_attempts(test_file, layout)
    only = None
    if cold_start is not None:
        train, only, withheld = withhold_concepts(train, test, cold_start, seed)
        click.echo(f"cold start: {len(withheld)} concepts withheld from training", err=True)
    names = model_names(models, has_items=bool((train["item"] != "").any()))
    unknown = [name for name in names if name not in MODELS]
    if unknown:
        raise click.BadParameter(f"unknown models {unknown}; known: {', '.join(MODELS)}", param_hint="--models")
    texts = name_texts(set(train["concept"]) | set(test["concept"]))
    with ProgressBars(unit="batch") as bars:
        args = TrainingArguments(
            seed=seed, max_epochs=max_epochs, threads=threads, texts=texts,
            max_train_seconds=budget_seconds(max_minutes), progress=bars,
        )  # fmt: skip
        rows = run_evaluation(names, train, test, args, models=with_members(members or MEMBERS), only=only)
    if as_json:
        for row in rows:
            click.echo(json.dumps({key: row[key] for key in COLUMNS}))
    else:
        click.echo(_table(rows))
