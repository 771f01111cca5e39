"""``pathwise index materials``, ``pathwise train retriever``, ``pathwise evaluate qa``.

Standalone click commands and a group for the main CLI to register.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from cli.exits import fail
from cli.json_refusals import JsonRefusals
from cli.seed import seed_option
from graph.errors import InvalidInput

__all__ = ["evaluate_qa", "index", "train_retriever"]


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    cells = [columns] + [[f"{r[c]:.4f}" if isinstance(r[c], float) else str(r[c]) for c in columns] for r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) for line in cells)


@click.group(name="index", context_settings={"help_option_names": ["-h", "--help"]})
def index() -> None:
    """The question-answering index of the materials."""


@index.command(name="materials")
@click.option("--update", is_flag=True, help="Only index what changed (default: rebuild from scratch).")
@click.pass_context
def index_materials(ctx: click.Context, update: bool) -> None:
    """Chunk and embed every material into <data dir>/index (what the service loads at start)."""
    from cli.opening import open_graph
    from cli.progress import ProgressBars
    from ml.qa.index import QaIndex, index_folder
    from ml.qa.serving import open_retriever
    from resolvers.qa import all_materials

    settings = ctx.obj["settings"]
    import torch

    torch.set_num_threads(settings.torch_threads)
    folder = index_folder(settings.data_dir)
    kg = open_graph(settings, ctx.obj["store"])  # refused while a server holds the store: the index stays as it is
    try:
        materials = all_materials(kg)
    finally:
        kg.store.close()
    encoder = open_retriever(settings.data_dir)
    # a rebuild starts empty and replaces the saved files only once built (a refused or
    # interrupted run had deleted the index first, and the server re-embedded everything)
    built = QaIndex.load(folder, encoder, autosave=False) if update else QaIndex(encoder)
    start = time.perf_counter()
    with ProgressBars() as bars:
        report = built.sync(materials, progress=bars)
    built.save(folder)
    click.echo(
        f"indexed {len(built.material_ids)} materials as {len(built)} chunks with {encoder.name} "
        f"({report.added} added, {report.updated} updated, {report.removed} removed) "
        f"in {time.perf_counter() - start:.1f}s -> {folder}"
    )


@click.command(name="retriever")
@click.option("--pairs", "pairs_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Extra pairs: JSON or JSON Lines with question and passage (or answer).")  # fmt: skip
@click.option("--held-out", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.2, show_default=True,
              help="Share of the questions held out for the figures, between 0 and 1.")  # fmt: skip
@click.option("--epochs", default=1, show_default=True, help="Passes over the training pairs.")
@click.option(
    "--batch-size",
    type=click.IntRange(2),
    default=32,
    show_default=True,
    help="Pairs a step, 2 or more; the other pairs of a batch are its negatives.",
)
@click.option("--threads", default=None, type=int, help="torch threads (default PATHWISE_TORCH_THREADS).")
@seed_option
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Model folder (default: a new version in the data folder's models/retriever).")  # fmt: skip
@click.pass_context
def train_retriever(
    ctx: click.Context,
    pairs_file: Path | None,
    held_out: float,
    epochs: int,
    batch_size: int,
    threads: int | None,
    seed: int,
    out: Path | None,
) -> None:
    """Fine-tune the retriever on pairs built from the curriculum in the store.

    Exercises are paired with the explanations of the concepts they assess, concept labels
    and definitions with their materials, plus the pairs of --pairs. Held-out questions
    are ranked against every passage of the pairs before and after fine-tuning; the
    figures go to metrics.json in the model folder. The service serves the newest
    version from its next start (its index is then re-embedded).
    """
    from cli.opening import open_graph
    from ml.mastery.versions import check_new_folder, staged
    from ml.qa.datasets import QaDataset, Question, load_pairs_file
    from ml.qa.dense import SentenceEncoder
    from ml.qa.evaluate import evaluate_dataset
    from ml.qa.pairs import Pair, curriculum_pairs, split_pairs
    from ml.qa.serving import retriever_versions
    from ml.qa.train import RetrieverTrainingArguments, fine_tune
    from resolvers.qa import all_materials

    settings = ctx.obj["settings"]
    kg = open_graph(settings, ctx.obj["store"])
    try:
        concepts = [c for c in kg.concepts_by_ids(sorted(kg.projection.dag.nodes)) if c is not None]
        pairs = curriculum_pairs(concepts, all_materials(kg))
    finally:
        kg.store.close()
    if pairs_file is not None:
        try:
            pairs += [Pair(q, p, "file") for q, p in load_pairs_file(pairs_file)]
        except ValueError as error:  # a file that is not JSON ended in a traceback
            raise click.ClickException(str(error)) from None
    if len(pairs) < 4:
        raise click.ClickException("too few (question, passage) pairs to fine-tune on")
    train, test = split_pairs(pairs, held_out, seed)
    versions = retriever_versions(settings.data_dir)
    folder = out or versions.new_version("minilm")
    try:
        check_new_folder(folder)
    except FileExistsError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"fine-tuning on {len(train)} pairs ({len(test)} held out) -> {folder}")
    args = RetrieverTrainingArguments(
        epochs=epochs, batch_size=batch_size, seed=seed, threads=threads or settings.torch_threads, progress=True
    )
    with staged(folder) as staging:  # the version appears whole (weights and figures) or not at all
        fine_tune([(p.question, p.passage) for p in train], args, out=staging)
        passages = {text: f"p{i}" for i, text in enumerate(dict.fromkeys(p.passage for p in pairs))}
        heldout = QaDataset("held-out pairs", {pid: text for text, pid in passages.items()})
        golds: dict[str, list[str]] = {}
        for p in test:
            golds.setdefault(p.question, []).append(passages[p.passage])
        heldout.questions = [Question(q, tuple(g)) for q, g in golds.items()]
        report = evaluate_dataset(
            heldout, {"before": SentenceEncoder(), "after": SentenceEncoder(staging, name=folder.name)}
        )
        figures = {
            f"{r['ranking']}:{r['encoder']}": {k: v for k, v in r.items() if k.startswith(("recall", "mrr"))}
            for r in report.rows
        }
        (staging / "metrics.json").write_text(json.dumps({"held_out": figures}, indent=1))
        sources: dict[str, int] = {}
        for p in pairs:
            sources[p.source] = sources.get(p.source, 0) + 1
        (staging / "data.json").write_text(
            json.dumps(
                {
                    "pairs": len(pairs),
                    "train": len(train),
                    "held_out": len(test),
                    "sources": sources,
                    "args": asdict(args),
                },
                indent=1,
            )
        )
    click.echo(_table(report.rows, ["ranking", "encoder", "query", "recall@1", "recall@5", "recall@10", "mrr"]))


def _fold_encoders(data: Any, folds: int, args: Any, progress: Any) -> list[tuple[list[int], Any]]:
    """For each fold: its question indices and an encoder fine-tuned on the other folds' pairs."""
    from ml.qa.dense import SentenceEncoder
    from ml.qa.evaluate import kfold
    from ml.qa.train import fine_tune

    answerable = data.answerable
    scratch = Path(tempfile.mkdtemp(prefix="pathwise-qa-folds-"))
    out = []
    for f, members in enumerate(kfold(len(answerable), folds, args.seed)):
        held = set(members)
        pairs = [(q.text, data.passages[q.gold[0]]) for i, q in enumerate(answerable) if i not in held]
        click.echo(
            f"fold {f + 1}/{folds}: fine-tuning on {len(pairs)} pairs, scoring {len(members)} questions", err=True
        )
        fine_tune(pairs, args, out=scratch / f"fold{f}")
        out.append((members, SentenceEncoder(scratch / f"fold{f}", name=f"fine-tuned-fold{f}")))
    return out


@click.command(name="qa", cls=JsonRefusals)
@click.option("--dataset", type=click.Choice(["sciq", "openstax", "problems"]), required=True, help="Layout of PATH.")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--folds", type=click.IntRange(0), default=3, show_default=True,
              help="k of the k-fold cross-fitted fine-tuned encoder (0: no fine-tuned row).")  # fmt: skip
@click.option("--retriever", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Score this fine-tuned model folder instead of cross-fitting.")  # fmt: skip
@click.option("--epochs", default=1, show_default=True, help="Fine-tuning epochs per fold.")
@click.option("--threads", type=int, default=None, help="torch threads (default PATHWISE_TORCH_THREADS).")
@seed_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of tables.")
@click.option("--all-items", is_flag=True,
              help="problems: ask every numbered item, maths or not (default: items holding maths).")  # fmt: skip
@click.pass_context
def evaluate_qa(
    ctx: click.Context,
    dataset: str,
    path: Path,
    folds: int,
    retriever: Path | None,
    epochs: int,
    threads: int | None,
    seed: int,
    as_json: bool,
    all_items: bool,
) -> None:
    """Retrieval recall@1/5/10 and MRR, and multiple-choice accuracy, on a question set.

    sciq: FILE is a SciQ split (valid.json); every non-empty support is a passage.
    openstax: PATH is the folder of OpenStax books; each exercise's own section is its gold
    passage among all sections. Rankings: BM25, the off-the-shelf encoder, a fine-tuned
    encoder (k-fold cross-fitted on the file's own pairs, or --retriever), and BM25 fused
    with each encoder; with the question alone and, for multiple choice, with the options.

    problems: PATH is a curriculum (any import format, e.g. demo/curriculum); each
    exercise item holding a math expression is asked through `ask` itself, with its
    exercise left out of the index (a new problem) and in it (a seen problem), reading
    expressions apart from words and as plain text, and as a student who may read no
    answer key (see ml/qa/problems.py); --all-items asks items without maths too.
    """
    import torch

    from cli.progress import ProgressBars
    from ml.qa.datasets import load_openstax, load_sciq
    from ml.qa.dense import SentenceEncoder
    from ml.qa.evaluate import evaluate_dataset
    from ml.qa.train import RetrieverTrainingArguments

    settings = ctx.obj["settings"] if ctx.obj else None
    torch.set_num_threads(threads or (settings.torch_threads if settings else 1))
    start = time.perf_counter()
    if dataset == "problems":
        _evaluate_problems(path, retriever, as_json, start, all_items)
        return
    try:  # a file of another layout ended in a traceback, and --json printed nothing
        data = load_sciq(path) if dataset == "sciq" else load_openstax(path)
    except ValueError as error:
        fail(InvalidInput(str(error), field="path"), as_json=as_json)
        return
    encoders: dict[str, Any] = {"off-the-shelf": SentenceEncoder()}
    cross: dict[str, Any] = {}
    notes = [f"{len(data.questions)} questions, {len(data.answerable)} with their gold passage in the corpus"]
    if retriever is not None:
        encoders["fine-tuned"] = SentenceEncoder(retriever, name=retriever.name)
        notes.append(f"fine-tuned: {retriever}")
    elif folds > 1:
        args = RetrieverTrainingArguments(epochs=epochs, seed=seed, threads=torch.get_num_threads())
        with ProgressBars() as bars:
            cross["fine-tuned"] = _fold_encoders(data, folds, args, bars)
        notes.append(
            f"fine-tuned: {folds}-fold cross-fitting over the questions: each fold ranked by the bundled encoder "
            f"fine-tuned ({epochs} epoch, in-batch negatives) on the other folds' (question, gold passage) pairs"
        )
    if dataset == "sciq":
        notes.append(
            "multiple choice: per ranking with options, each option scores how much 'question + option' makes the "
            "ranking's top 3 passages match (BM25 and the off-the-shelf encoder, standardized across the options, "
            "0.7 lexical), plus half the standardized reader score over the top 2 (the option's words in the "
            "sentences that hold the question's rare words, and the best 'question + option' to sentence cosine); "
            "the gold passage is never used"
        )
    with ProgressBars() as bars:
        report = evaluate_dataset(data, encoders, folds=cross, progress=bars, reader=encoders["off-the-shelf"])
    report.notes = notes + [f"took {time.perf_counter() - start:.0f}s"]
    if as_json:
        click.echo(json.dumps(asdict(report), indent=1))
        return
    click.echo(f"{report.dataset}: {report.passages} passages ({report.chunks} chunks), {report.questions} questions")
    click.echo(_table(report.rows, ["ranking", "encoder", "query", "recall@1", "recall@5", "recall@10", "mrr"]))
    if report.multiple_choice:
        click.echo("\nmultiple choice (top 3 passages of the ranking with options)")
        click.echo(_table(report.multiple_choice, ["ranking", "encoder", "accuracy", "n"]))
    for note in report.notes:
        click.echo(f"note: {note}")


def _evaluate_problems(path: Path, retriever: Path | None, as_json: bool, start: float, all_items: bool) -> None:
    """``evaluate qa --dataset problems``: a curriculum's exercise items asked through ``ask``."""
    from cli.progress import ProgressBars
    from ingest.formats import read_path
    from ml.qa.dense import SentenceEncoder
    from ml.qa.index import QaIndex
    from ml.qa.problems import evaluate_problems

    bundle = read_path(path)
    materials = bundle.materials
    encoder = SentenceEncoder(retriever, name=retriever.name) if retriever is not None else SentenceEncoder()
    index = QaIndex(encoder)
    with ProgressBars(unit="passage") as bars:
        index.upsert(materials, progress=bars)
    labels = {c.id: c.label for c in bundle.concepts}
    with ProgressBars(unit="exercise") as bars:
        report = evaluate_problems(index, materials, progress=bars, all_items=all_items, labels=labels)
    if not report.questions:
        what = "numbered exercise item" if all_items else "exercise item holds a math expression"
        raise click.ClickException(f"{path}: no {what}")
    if as_json:
        click.echo(json.dumps({**asdict(report), "seconds": round(time.perf_counter() - start, 1)}, indent=1))
        return
    click.echo(f"{report.questions} problems from {report.materials} exercises ({len(materials)} materials)")
    new = [r for r in report.rows if r["setting"] == "new"]
    seen = [r for r in report.rows if r["setting"] == "seen"]
    click.echo("\nnew problems (the item's exercise left out of the index)")
    click.echo(_table(new, ["reading", "concept@1", "concept@evidence", "explains", "says not worked"]))
    click.echo("\nseen problems (everything indexed)")
    click.echo(_table(seen, ["reading", "own exercise@1", "keyed answer in text"]))
    hidden = [r for r in report.rows if r["setting"] == "key hidden"]
    click.echo("\nkey hidden (everything indexed, asked by a student who has answered no exercise)")
    click.echo(_table(hidden, ["reading", "concept@1", "explains", "says not worked", "a key among the evidence"]))
    click.echo(f"note: took {time.perf_counter() - start:.0f}s")
