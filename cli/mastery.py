"""``pathwise evaluate mastery``: score knowledge-tracing models on a public data set.

Defined as a standalone ``click.Command`` (``evaluate_mastery``) for the main CLI to
register. Files are read with the attempt readers of ``ingest.attempts``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from cli.json_refusals import JsonRefusals
from cli.log_checks import checked_logs, read_training_log, scored_rows
from cli.log_columns import column_options, log_column_options, once_each
from cli.seed import seed_option
from cli.train import DEFAULT_BUDGET_MINUTES

if TYPE_CHECKING:
    import pandas as pd

    from settings import Settings

__all__ = ["evaluate_mastery", "model_names"]

COLUMNS = ("model", "auc", "accuracy", "rmse", "log_loss", "ece", "train_seconds", "n_scored")


def _torch_threads(context: click.Context) -> int:
    """``PATHWISE_TORCH_THREADS`` as ``pathwise`` read it; the command invoked on its own reads it itself."""
    from settings import load_settings

    settings: Settings | None = (context.obj or {}).get("settings")
    return (settings or load_settings()).torch_threads


def _format(value: object) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.4f}" if abs(value) < 100 else f"{value:.1f}"
    return str(value)


def _table(rows: list[dict[str, float | str]]) -> str:
    """Right-aligned numbers under a header, one line per model."""
    scored = [row for row in rows if "error" not in row]
    cells = [list(COLUMNS)] + [[_format(row[c]) for c in COLUMNS] for row in scored]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = []
    for line in cells:
        first = line[0].ljust(widths[0])
        lines.append("  ".join([first] + [cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)]))
    lines += [f"{str(row['model']).ljust(widths[0])}  failed: {row['error']}" for row in rows if "error" in row]
    return "\n".join(lines)


def model_names(
    models: str, *, has_items: bool, has_item_texts: bool = False, has_concept_texts: bool = True
) -> list[str]:
    """The models ``--models`` asks for.

    ``all`` leaves out PFA with item ids when the log has no items, and the variants that
    would train PathwiseKT again: without item texts when no item has text, id only when
    no concept has text (skills that are numbers, as in pyKT's assist2015).
    """
    from ml.mastery.registry import MODELS

    if models != "all":
        return [name.strip() for name in models.split(",") if name.strip()]
    skipped = {"pfa-items"} if not has_items else set()
    skipped |= {"pathwise-no-item-text"} if not has_item_texts else set()
    skipped |= {"pathwise-id"} if not has_concept_texts else set()
    return [name for name in MODELS if name not in skipped]


@click.command(name="mastery", cls=JsonRefusals)
@click.option(
    "--format", "layout", type=click.Choice(["akt", "pykt", "csv", "dkvmn", "xapi"]), default=None,
    help="Layout of the files.",
)  # fmt: skip
@click.option(
    "--train", "train_files", type=click.Path(exists=True, dir_okay=False, path_type=Path), multiple=True,
    help="Training files; repeat the flag or list them after it (--train F2 F3 F4 F5).",
)  # fmt: skip
@click.argument("more_train_files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@log_column_options
@click.option(
    "--test", "test_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
    help="The test file (other students than the training files').",
)  # fmt: skip
@click.option(
    "--demo", is_flag=True,
    help="Instead of files: the demo's simulated students (a quarter held out), with the curriculum's "
    "concept and exercise texts.",
)  # fmt: skip
@click.option("--students", type=click.IntRange(min=8), default=1000, show_default=True,
              help="Simulated students (with --demo; a quarter are test students).")  # fmt: skip
@click.option("--models", default="all", show_default=True, help="'all' or a comma-separated list of model names.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per model instead of a table.")
@click.option("--threads", type=click.IntRange(min=1), default=None,
              help="Torch intra-op threads (default PATHWISE_TORCH_THREADS, as `train mastery`).")  # fmt: skip
@seed_option
@click.option(
    "--max-epochs",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="At most this many epochs per trained model (early stopping on validation AUC).",
)
@click.option("--members", type=click.IntRange(min=1), default=None,
              help="Networks in each PathwiseKT ensemble (default 3).")  # fmt: skip
@click.option("--max-minutes", type=click.FloatRange(min=0), default=DEFAULT_BUDGET_MINUTES, show_default=True,
              help="Stop each model's training after this long (0: no limit).")  # fmt: skip
@click.option(
    "--cold-start", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=None,
    help="Withhold this fraction of the concepts from training and score only the test rows on them.",
)  # fmt: skip
@click.option(
    "--item-cold-start", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=None,
    help="Hide which item this fraction of the items' training attempts were, and score only the test rows on them.",
)  # fmt: skip
def evaluate_mastery(
    layout: str | None,
    train_files: tuple[Path, ...],
    more_train_files: tuple[Path, ...],
    test_file: Path | None,
    demo: bool,
    students: int,
    models: str,
    as_json: bool,
    threads: int | None,
    seed: int,
    max_epochs: int,
    members: int | None,
    max_minutes: float | None,
    cold_start: float | None,
    item_cold_start: float | None,
    **log_columns: str | None,
) -> None:
    """Fit mastery models on TRAIN files and score one-step-ahead predictions on the TEST file.

    The protocol (docs/students-and-mastery.md, "The mastery model"): split by student, one step ahead, a row's
    history holds only earlier attempts, each student's first attempt unscored, AUC
    pooled. Concept names that are words (the ASSISTments 2009 skill names) are the
    concepts' text for the text-initialised model. With --demo the curriculum's concept
    and exercise texts are (--item-cold-start measures what exercises' wording adds).
    """
    from cli.progress import ProgressBars
    from ingest.attempts.formats import read_attempts
    from ingest.errors import MalformedInput
    from ml.mastery.base import TrainingArguments, budget_seconds
    from ml.mastery.cold_start import withhold_concepts, withhold_items
    from ml.mastery.data import name_texts
    from ml.mastery.evaluate import run_evaluation
    from ml.mastery.registry import MEMBERS, MODELS, with_members

    item_texts: dict[str, str] = {}
    context = click.get_current_context()
    if demo:
        if layout or train_files or more_train_files or test_file:
            raise click.UsageError("--demo evaluates on simulated students: give it no files")
        train, test, texts, item_texts = _demo_split(students, seed)
    else:
        if not (layout and (train_files or more_train_files) and test_file):
            raise click.UsageError("give --format, --train and --test (or --demo)")
        if context.get_parameter_source("students") is not ParameterSource.DEFAULT:  # it was ignored
            raise click.UsageError("--students is the number of simulated students of --demo; the files are the log")
        columns = column_options(layout, log_columns)
        try:
            train = read_training_log(once_each([*train_files, *more_train_files]), layout, columns)
            test = read_attempts(test_file, layout, **columns)
        except MalformedInput as error:  # it ended in a traceback
            from cli.train import _problems

            raise _problems(error) from None
        train, test = checked_logs(train, test, layout)
        texts = name_texts(set(train["concept"]) | set(test["concept"]))
    only = None
    if cold_start is not None:
        train, only, withheld = withhold_concepts(train, test, cold_start, seed)
        click.echo(f"cold start: {len(withheld)} concepts withheld from training", err=True)
        if train.empty:  # an untrained model was scored as if trained
            raise click.UsageError(f"--cold-start {cold_start} withholds every concept: nothing is left to train on")
    if item_cold_start is not None:
        try:
            train, on_items, hidden = withhold_items(train, test, item_cold_start, seed)
        except ValueError as error:
            raise click.UsageError(str(error)) from None
        only = on_items if only is None else only & on_items
        click.echo(f"item cold start: {len(hidden)} items hidden in training", err=True)
    if only is not None and not (only & scored_rows(test).to_numpy()).any():
        # nothing was scored, the figures were null, and "nan" was put down to every answer being right
        raise click.UsageError(
            "the cold start leaves no test row to score: no test attempt (after each student's first) is on what "
            "it withholds"
        )
    names = model_names(
        models, has_items=bool((train["item"] != "").any()), has_item_texts=bool(item_texts),
        has_concept_texts=bool(texts),
    )  # fmt: skip
    if not names:
        raise click.BadParameter("name at least one model ('all' or a comma-separated list)", param_hint="--models")
    unknown = [name for name in names if name not in MODELS]
    if unknown:
        raise click.BadParameter(f"unknown models {unknown}; known: {', '.join(MODELS)}", param_hint="--models")
    with ProgressBars(unit="batch") as bars:
        args = TrainingArguments(
            seed=seed, max_epochs=max_epochs, threads=threads or _torch_threads(context), texts=texts,
            item_texts=item_texts, max_train_seconds=budget_seconds(max_minutes), progress=bars,
        )  # fmt: skip
        rows = run_evaluation(
            names, train, test, args, models=with_members(members or MEMBERS), only=only,
            on_result=_print_json if as_json else None,
        )  # fmt: skip
    if not as_json:
        click.echo(_table(rows))
        if any(isinstance(row.get("auc"), float) and math.isnan(float(row["auc"])) for row in rows):
            click.echo("nan: undefined (every scored answer is right, or every one wrong)", err=True)
    failed = [str(row["model"]) for row in rows if "error" in row]
    if failed:
        click.echo(f"failed: {', '.join(failed)} (the log above has the tracebacks)", err=True)
        raise SystemExit(1)


def _print_json(row: dict[str, float | str]) -> None:
    """One model's JSON line, printed (and flushed) as soon as it is scored."""
    from ml.mastery.metrics import json_safe

    click.echo(json.dumps(json_safe(row if "error" in row else {key: row[key] for key in COLUMNS})))


def _demo_split(students: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str], dict[str, str]]:
    """The demo's simulated students split by student (a quarter for test), and the curriculum's texts."""
    from demo.load import CURRICULUM_DIR, demo_attempts
    from ingest.csv_layout import read_curriculum_csv
    from ml.mastery.data import attempts_to_frame, concept_texts, material_texts
    from ml.mastery.protocol import split_by_student

    curriculum = read_curriculum_csv(CURRICULUM_DIR)
    train, test = split_by_student(attempts_to_frame(demo_attempts(students)), 0.25, seed)
    return train, test, concept_texts(curriculum.concepts), material_texts(curriculum.materials)
