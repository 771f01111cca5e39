"""``pathwise train mastery`` and ``pathwise models``: train, list and switch mastery models."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cli.json_refusals import LogRefusal
from cli.log_checks import checked_training_log, read_training_log
from cli.log_columns import column_options, log_column_options, once_each
from cli.seed import seed_option
from graph.folders import private_folder

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DEFAULT_BUDGET_MINUTES", "as_graph_ids", "models", "train"]

DEFAULT_BUDGET_MINUTES = 14.0  # training any log, however large, ends within 15 minutes


@click.group(name="train", context_settings={"help_option_names": ["-h", "--help"]})
def train() -> None:
    """Train models (offline jobs)."""


@train.command(name="mastery")
@click.option("--format", "fmt", type=click.Choice(["akt", "pykt", "csv", "dkvmn", "xapi"]), default=None,
              help="Train on attempt files in this layout instead of the attempts in the store.")  # fmt: skip
@click.option("--train", "files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Attempt files (with --format); repeat the flag or list them after it.")  # fmt: skip
@click.argument("more_files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@log_column_options
@click.option("--demo", is_flag=True, help="Train on the demo's simulated students (what demo/model ships).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Model folder to write (default: a new version in the data folder's models/mastery).")  # fmt: skip
@click.option("--no-text", is_flag=True, help="Learned id embeddings only (no sentence encoder).")
@click.option("--freeze-encoder", is_flag=True, help="Keep the bundled encoder as shipped (smaller model folder).")
@click.option("--no-item-text", is_flag=True,
              help="Do not read the exercises' wording (items are learned from their answers only).")  # fmt: skip
@click.option("--no-cohort", is_flag=True,
              help="Leave out the cohort features (how students who began with the same concepts did).")  # fmt: skip
@click.option("--peers", is_flag=True,
              help="Add the peer features (how students on the same concepts did; slower to serve).")  # fmt: skip
@click.option(
    "--epochs", default=20, show_default=True, type=click.IntRange(min=1),
    help="At most this many epochs (early stopping on validation AUC).",
)  # fmt: skip
@click.option("--patience", default=2, show_default=True, type=click.IntRange(min=1),
              help="Epochs without validation gain before stopping.")  # fmt: skip
@click.option("--members", default=3, show_default=True, type=click.IntRange(min=1),
              help="Networks trained from different seeds, logits averaged.")  # fmt: skip
@click.option("--max-minutes", type=click.FloatRange(min=0), default=DEFAULT_BUDGET_MINUTES, show_default=True,
              help="Stop training after this long (members share it; 0: no limit).")  # fmt: skip
@click.option(
    "--threads", default=None, type=click.IntRange(min=1), help="torch threads (default PATHWISE_TORCH_THREADS)."
)
@seed_option
@click.option("--log-dir", type=click.Path(path_type=Path), default=None, help="TensorBoard logs.")
@click.pass_context
def train_mastery(
    ctx: click.Context,
    /,  # click passes it first; with **log_columns, pass_context's type needs it positional
    fmt: str | None,
    files: tuple[Path, ...],
    more_files: tuple[Path, ...],
    demo: bool,
    out: Path | None,
    no_text: bool,
    freeze_encoder: bool,
    no_item_text: bool,
    no_cohort: bool,
    peers: bool,
    epochs: int,
    patience: int,
    members: int,
    max_minutes: float | None,
    threads: int | None,
    seed: int,
    log_dir: Path | None,
    **log_columns: str | None,
) -> None:
    """Fine-tune the mastery model on attempt logs and save it as a model version.

    Concept representations start from the bundled sentence encoder's embeddings of the
    concepts' text (graph labels and definitions, or the log's skill names) and the
    encoder is fine-tuned with the sequence model; exercises with wording (materials in
    the graph) get a vector and a difficulty prior from it, so new ones are placed by it.
    Validation students are split off, training stops early when validation AUC stops
    improving; the folder holds the weights, a JSON config, metrics.json and data.json.
    The service serves the newest version from its next start unless another is pinned
    (`pathwise models use`); a running service switches at once with the
    `useMasteryModel` mutation.
    """
    from cli.progress import ProgressBars
    from ml.mastery.base import TrainingArguments, budget_seconds
    from ml.mastery.data import attempts_to_frame, concept_texts, material_texts
    from ml.mastery.tkt import TKTConfig
    from ml.mastery.train import train_mastery as run_training
    from ml.mastery.versions import ModelVersions, check_new_folder

    settings = ctx.obj["settings"]
    if out is not None:
        try:
            check_new_folder(out)  # refused now, not after reading the log and minutes of training
        except FileExistsError as error:
            raise click.ClickException(str(error)) from None
    files = (*files, *more_files)
    if fmt is None and any(log_columns.values()):  # ignored without a word, training on the store
        raise click.UsageError("the --*-column options name a csv log's columns: give --format csv and --train")
    if demo and (files or fmt is not None):  # the files were ignored without a word
        raise click.UsageError("--demo trains on simulated students: give it no --format or --train")
    if files and fmt is None:
        raise click.UsageError("training files need --format (akt, pykt, csv, dkvmn or xapi)")
    texts: dict[str, str] = {}
    item_texts: dict[str, str] = {}
    if demo:
        from demo.load import CURRICULUM_DIR, demo_attempts
        from ingest.csv_layout import read_curriculum_csv

        frame = attempts_to_frame(demo_attempts())
        curriculum = read_curriculum_csv(CURRICULUM_DIR)
        texts, item_texts = concept_texts(curriculum.concepts), material_texts(curriculum.materials)
        source = "demo simulator (200 students)"
    elif fmt is not None:
        from ingest.errors import MalformedInput

        if not files:
            raise click.UsageError("--format needs at least one --train FILE")
        if fmt == "xapi":  # without a graph every statement's concept was "": one skill for the whole log
            raise click.UsageError(
                "xAPI statements name activities, and the graph says which concepts each is about: import them "
                "(pathwise attempts import --format xapi) and train from the store (pathwise train mastery)"
            )
        try:  # several files are one history per student, as evaluate and attempts import read them
            frame = checked_training_log(read_training_log(once_each(files), fmt, column_options(fmt, log_columns)))
        except MalformedInput as error:
            raise _problems(error) from None
        frame, texts = as_graph_ids(frame)
        source = ", ".join(str(f) for f in files)
    else:
        from cli.opening import open_graph
        from graph.attempts import attempts_of, list_students

        kg = open_graph(settings, ctx.obj["store"])
        try:
            frame = attempts_to_frame(attempts_of(kg, list_students(kg)))
            concepts = [c for c in kg.concepts_by_ids(sorted(kg.projection.dag.nodes)) if c is not None]
            texts = concept_texts(concepts)
            attempted = sorted(set(frame["item"]) - {""})
            item_texts = material_texts(m for m in kg.materials_by_ids(attempted) if m is not None)
        finally:
            kg.store.close()
        source = "store"
    if frame.empty:
        raise click.ClickException("no attempts to train on")
    if not (frame["concept"] != "").any():  # a model of one concept "" was trained and saved
        raise click.ClickException(
            "the attempts name no concept: "
            + (
                "their materials teach and assess none (link them with updateMaterial, or import the log with "
                "its concepts)"
                if source == "store"
                else "give the log a concepts column"
            )
        )
    if out is None:
        private_folder(settings.data_dir)  # a first command that trains made it 0755, holding student data
    config = TKTConfig(
        use_text=not no_text,
        finetune_encoder=not freeze_encoder,
        item_text=not no_item_text,
        cohort_features=not no_cohort,
        peer_features=peers,
    )
    # named by what it is: a --no-text model was called "...-pathwise" while its metrics said pathwise-id
    kind = "pathwise" if config.use_text else "pathwise-id"
    folder = out or ModelVersions(settings.data_dir / "models" / "mastery").new_version(kind)
    click.echo(f"training on {len(frame):,} rows from {source} -> {folder}")
    settings_used = {"seed": seed, "max_epochs": epochs, "patience": patience, "members": members,
                     "max_minutes": max_minutes}  # fmt: skip
    try:
        with ProgressBars(unit="batch") as bars:
            args = TrainingArguments(
                seed=seed, max_epochs=epochs, patience=patience, threads=threads or settings.torch_threads,
                log_dir=log_dir, max_train_seconds=budget_seconds(max_minutes), progress=bars,
            )  # fmt: skip
            metrics = run_training(
                frame, folder, args=args, config=config, source=source, texts=texts, item_texts=item_texts,
                members=members, training=settings_used,
            )  # fmt: skip
    except KeyboardInterrupt:  # "Aborted!" after a line naming the folder left it unclear what was there
        click.echo(f"\ninterrupted: nothing was saved ({folder} is written only when training ends)", err=True)
        sys.exit(130)
    from ml.mastery.metrics import json_safe

    click.echo(json.dumps(json_safe({k: v for k, v in metrics.items() if k != "epochs"}), indent=1))
    auc = metrics.get("valid", {}).get("auc")
    if "valid" not in metrics:  # it trained, and said nothing of it
        click.echo("warning: too few students to hold any out: this model has no validation figure", err=True)
    elif auc is None or auc != auc:
        click.echo(
            "warning: the validation AUC is undefined (every held-out answer is right, or every one wrong): "
            "this model cannot be judged on it",
            err=True,
        )
    elif (thin := thin_validation(metrics, served=out is None)) is not None:
        click.echo(thin, err=True)


MIN_VALID_ANSWERS = 200
"""Fewer held-out answers than this, and the validation AUC says next to nothing of the model."""


def thin_validation(metrics: dict[str, Any], *, served: bool = True) -> str | None:
    """A warning when the validation figure rests on too few held-out answers to judge the model by.

    A district's first xAPI export (4 learners, 53 answers) trained a model whose AUC was
    1.0 on 14 held-out answers of one student, said nothing more, and was served at the
    next start in place of the demo's: a wrong answer raised the estimate it moved.

    Examples:
        >>> thin_validation({"valid": {"auc": 1.0, "n": 14}})[:60]
        'warning: the validation AUC (1.000) rests on 14 held-out ans'
        >>> thin_validation({"valid": {"auc": 0.70, "n": 1104}}) is None
        True
        >>> thin_validation({"valid": {"auc": 1.0, "n": 14}}, served=False).endswith("it says little of this model")
        True
    """
    valid = metrics.get("valid", {})
    n = int(valid.get("n") or 0)
    if n >= MIN_VALID_ANSWERS:
        return None
    said = (
        f"warning: the validation AUC ({valid.get('auc', float('nan')):.3f}) rests on {n} held-out answer(s), "
        f"fewer than {MIN_VALID_ANSWERS}: it says little of this model"
    )
    if not served:  # written with --out: no start serves it, as the warning claimed
        return said
    return f"{said}, which a start now serves (`pathwise models use VERSION` pins another, `demo` the shipped one)"


def as_graph_ids(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """A log's table with its concepts and items named as ``attempts import`` names them in the graph, and their texts.

    A model trained on a log knew its concepts by the log's names ("Area Rectangle")
    while the graph, once the log was imported (``--create-missing``), holds them under
    ids (``Area_Rectangle_c4ff5100``): served, it met every concept as new, placed by
    its text alone. Worded skills are their own text (``name_texts``), numbers have none.
    """
    from ingest.attempts.to_graph import concept_id, material_id
    from ml.mastery.data import name_texts

    names = [str(n) for n in frame["concept"].unique() if n]
    ids = {name: concept_id(name) for name in names}
    texts = {ids[name]: text for name, text in name_texts(names).items()}
    items = {str(i): material_id(str(i)) for i in frame["item"].unique() if i}
    out = frame.assign(  # object columns, as the readers build them (map would infer pandas' str dtype)
        concept=frame["concept"].map(lambda n: ids.get(n, n)).astype(object),
        item=frame["item"].map(lambda i: items.get(i, i)).astype(object),
    )
    return out, texts


def _problems(error: Exception) -> LogRefusal:
    """A malformed log's refusal: its problems as one message (they ended in a traceback), and each for --json."""
    problems = [str(p) for p in getattr(error, "problems", []) or [str(error)]]
    more = f"\n  (and {len(problems) - 20} more)" if len(problems) > 20 else ""
    return LogRefusal(f"{len(problems)} problem(s) in the log:\n  " + "\n  ".join(problems[:20]) + more, problems)


@click.group(name="models", context_settings={"help_option_names": ["-h", "--help"]})
def models() -> None:
    """Trained mastery model versions."""


@models.command(name="list")
@click.pass_context
def models_list(ctx: click.Context) -> None:
    """List versions with their validation AUC; * marks the one a start serves (the pinned, else the newest whole).

    A service already running serves what it started with or was switched to
    (useMasteryModel): /healthz and the masteryModels query name it. A version trained
    while it runs is starred here and served from the next start.
    """
    from ml.mastery.versions import ModelVersions

    folder = ctx.obj["settings"].data_dir / "models" / "mastery"
    versions = ModelVersions(folder)
    current = versions.at_start()
    gone = versions.missing_pin()
    if gone is not None:
        click.echo(f"pinned version {gone} is gone from {folder}: a start serves the newest instead", err=True)
    if not versions.list():
        click.echo(f"no trained version in {folder} (a demo store serves the shipped demo model; see train mastery)")
    for name in versions.list():
        info = versions.info(name)
        auc = info["metrics"].get("valid", {}).get("auc")
        damage = f"  DAMAGED: {info['damage']}" if info["damage"] else ""
        click.echo(
            f"{'*' if name == current else ' '} {name}  valid AUC {auc if auc is None else round(auc, 4)}{damage}"
        )


@models.command(name="use")
@click.argument("version", required=False)
@click.option("--newest", is_flag=True, help="Unpin: serve the newest trained version from the next start.")
@click.pass_context
def models_use(ctx: click.Context, version: str | None, newest: bool) -> None:
    """Pin VERSION, served from the next start (a running service: the useMasteryModel mutation, which pins too).

    The version is loaded first: a folder whose weights are missing or cut short is
    refused here rather than pinned for a start that could not serve it. A pinned
    version is served until another is pinned or --newest unpins: a version trained
    later is not served while a pin holds.
    """
    from ml.mastery.serving import SHIPPED, UnreadableModel, load_version
    from ml.mastery.versions import ModelVersions

    versions = ModelVersions(ctx.obj["settings"].data_dir / "models" / "mastery")
    if newest == (version is not None):
        raise click.UsageError("give a VERSION to pin, or --newest to unpin")
    if newest:
        versions.unpin()
        latest, served = versions.current(), versions.at_start()
        if latest is None:
            click.echo("unpinned: no trained version yet (see `pathwise train mastery`)")
            return
        if served == latest:
            click.echo(f"unpinned: serving the newest version ({latest}) from the next start")
            return
        # a start serves the newest that loads: this warned that it would serve none
        damage = versions.info(latest)["damage"]
        fallback = f"serves {served}, the newest that loads" if served else "serves no model: none loads"
        click.echo(f"unpinned: a start {fallback} (`pathwise models list`)")
        click.echo(f"warning: the newest version, {latest}, is DAMAGED ({damage})", err=True)
        return
    assert version is not None
    if version == SHIPPED and version not in versions.list():  # trained before the first start: never installed
        from demo.load import MODEL_DIR

        versions.install(MODEL_DIR, SHIPPED)
    try:
        load_version(versions, version)
        versions.use(version)
    except KeyError:
        raise click.ClickException(f"no model version {version!r}; see `pathwise models list`") from None
    except UnreadableModel as error:
        raise click.ClickException(f"{error}; nothing pinned") from None
    click.echo(f"serving {version} from the next start (stored estimates are re-estimated then)")
