"""Answering a question from the materials: retrieve, select evidence, answer or decline.

``answer_question`` runs preprocess (retrieve chunks; a question's math expressions are
read apart from its words, ``ml.qa.expressions``) -> forward (pick evidence and the
sentences that answer; for one problem, ``ml.qa.worked``) -> postprocess (concepts, the student's weak prerequisites,
suggested materials, an optional generated answer). Everything the graph knows comes
through a ``CurriculumLookup`` the caller gives, so ``ml/`` stays out of storage. Below
the confidence threshold the answer is withheld and only places to look are suggested;
with no evidence there is never an answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Protocol

from graph.model import Material, MaterialType
from graph.text import plain_letters
from ml.qa.bm25 import tokenize
from ml.qa.chunking import laid_out, split_lines
from ml.qa.declines import UNREAD, as_typed, coverage, question_terms, quoted, spelling_hints, unknown_words, unread
from ml.qa.expressions import QuestionParts, split_question
from ml.qa.extract import (
    best_sentences,
    examples_first,
    explaining_first,
    explanation_if_close,
    title_if_close,
)
from ml.qa.forms import FORM_POOL, form_first
from ml.qa.index import Hit, QaIndex
from ml.qa.items import ITEM_NUMBER, asked_item
from ml.qa.naming import named_concept_first
from ml.qa.quoted import quoted_chunks
from ml.qa.respell import read_as, respelt
from ml.qa.suggest import CurriculumLookup, WeakPrerequisite, prerequisites_of, suggestions, weak_prerequisites
from ml.qa.vague import TOO_VAGUE, is_vague
from ml.qa.worked import (
    LIST_ITEM,
    asks_how,
    asks_its_problem,
    cuts_a_solution,
    example_with_working,
    exercise_with_answer,
    first_list,
    intro_of,
    introduced_list,
    problem_text,
)

__all__ = [
    "Answer",
    "AnswerOptions",
    "CurriculumLookup",
    "EvidencePassage",
    "Generator",
    "ITEM_CONFIDENCE",
    "NOT_WORKED",
    "WeakPrerequisite",
    "answer_question",
    "confidence_of",
    "lexical_query",
]

log = logging.getLogger("pathwise.qa")
_LETTERS = re.compile(r"[A-Za-z]+")
ITEM_CONFIDENCE = 0.9
"""The least confidence of an answer to a question that restates an exercise's item (``ml.qa.items``)."""
NOT_WORKED = "No material works this very problem"
"""How the notice of an answer about a problem that no material works begins."""


class Generator(Protocol):
    """The optional text generator (``ml.qa.generation``): evidence in, a fluent answer out."""

    def generate(self, question: str, evidence: Sequence[str]) -> object:
        """A ``GeneratedAnswer`` (with ``.text``) or a plain string."""
        ...


@dataclass(frozen=True, slots=True)
class AnswerOptions:
    """Knobs of answering.

    Attributes:
        min_confidence: below this the answer is withheld.
        evidence: how many chunks to keep as evidence.
        per_material: at most this many evidence chunks from one material.
        sentences: how many evidence sentences make the extractive answer.
        weak_below: a prerequisite whose mastery is below this is weak.
        suggestions: how many materials to suggest.
        read_expressions: read a question's math expressions apart from its words
            (``ml.qa.expressions``); off, the question is matched as plain text.
        expression_lexical_weight: BM25's share of the fused score for a question
            with expressions: its words are few, the dense side reads the whole question.
    """

    min_confidence: float = 0.45
    evidence: int = 3
    per_material: int = 1
    sentences: int = 2
    weak_below: float = 0.6
    suggestions: int = 5
    read_expressions: bool = True
    expression_lexical_weight: float = 0.3


@dataclass(frozen=True, slots=True)
class EvidencePassage:
    """A chunk the answer rests on."""

    material: str
    chunk: int
    text: str
    score: float
    similarity: float


@dataclass(frozen=True, slots=True)
class Answer:
    """What ``ask`` returns.

    Attributes:
        answered: False when the materials do not answer the question with enough confidence.
        text: the best evidence sentences (None when not answered).
        generated: a fluent answer built only from the evidence, when a generator is configured.
        confidence: in [0, 1].
        message: what to tell the student when there is no answer.
        notice: what ``message`` says, as a code a frontend words itself (in its own language,
            for a screen reader): ``NOTHING_INDEXED``, ``UNREAD_SCRIPT``, ``TOO_VAGUE``, ``OFF_TOPIC``,
            ``LOW_CONFIDENCE``, ``NOT_WORKED`` (the answer shows the method on other examples), ``RESPELT``
            (answered as read with its misspelt words spelt as the materials spell them); None when there is
            nothing to say.
    """

    question: str
    answered: bool
    text: str | None
    generated: str | None
    confidence: float
    evidence: tuple[EvidencePassage, ...]
    concepts: tuple[str, ...]
    weak_prerequisites: tuple[WeakPrerequisite, ...]
    suggested_materials: tuple[str, ...]
    message: str = ""
    notice: str | None = None


def confidence_of(question: str, best: Hit, index: QaIndex) -> float:
    """How sure the materials answer the question, in [0, 1].

    Half is the dense similarity of the best chunk (0 at cosine 0.15, 1 at 0.65), half the
    share of the question's rare words that the chunk holds. ``question`` is what BM25
    read: a question's expressions count by their variables, not their numbers.
    """
    dense = min(1.0, max(0.0, (best.dense - 0.15) / 0.5))
    lexical = coverage(tokenize(question), set(tokenize(best.chunk.passage)), index)
    return round(0.5 * dense + 0.5 * lexical, 4)


def _evidence(hits: Sequence[Hit], options: AnswerOptions) -> list[Hit]:
    kept: list[Hit] = []
    per: dict[str, int] = {}
    for hit in hits:
        material = hit.chunk.material
        if per.get(material, 0) < options.per_material:
            kept.append(hit)
            per[material] = per.get(material, 0) + 1
        if len(kept) == options.evidence:
            break
    return kept


def lexical_query(parts: QuestionParts) -> str:
    """What BM25 reads of a question: its words, and only the letters of its expressions.

    "x^2 - x - 6" says "a quadratic in x"; its 6 is this instance's and matched any
    practice list holding a 6.
    """
    letters = [w for e in parts.expressions for w in _LETTERS.findall(e)]
    return " ".join([parts.words, *letters])


def _teaching(exercises: Sequence[str], lookup: CurriculumLookup, known: dict[str, Material]) -> list[str]:
    """The explanations and worked examples of the concepts ``exercises`` assess (else teach).

    Asked an exercise's item whose answer the student may not read, the answer drew on
    whatever explained the question's words best: "Evaluate |-8| + |3|" got how to
    evaluate an expression, not absolute value.
    """
    concepts = [
        c for m in _fetched(exercises, lookup, known).values() if m.id in exercises for c in m.assesses or m.teaches
    ]
    candidates = list(dict.fromkeys(m for c in dict.fromkeys(concepts) for m in lookup.materials_teaching(c)))
    return [
        i
        for i, m in _fetched(candidates, lookup, known).items()
        if i in candidates and m.type is not MaterialType.EXERCISE
    ]


def _fetched(ids: Sequence[str], lookup: CurriculumLookup, known: dict[str, Material]) -> dict[str, Material]:
    """``known`` with the materials of ``ids`` it lacks, in one lookup (a deleted one stays out)."""
    missing = [i for i in dict.fromkeys(ids) if i not in known]
    known.update((m.id, m) for m in lookup.materials(missing) if m is not None)
    return known


def _line_starts(materials: Sequence[Material]) -> dict[str, bool]:
    """Whether each sentence of ``materials`` begins a line, to lay answers out as they were written."""
    return {sentence: begins for m in materials for sentence, begins in split_lines(m.text)}


def _generate(generator: Generator, question: str, evidence: Sequence[EvidencePassage]) -> str | None:
    try:
        result = generator.generate(question, [e.text for e in evidence])
    except RuntimeError as error:  # GenerationError: the extractive answer stands
        log.warning("answer generation failed: %s", error)
        return None
    text = getattr(result, "text", result)
    return str(text) if text else None


RESPELT_DECLINES = frozenset({"LOW_CONFIDENCE", "OFF_TOPIC"})
"""The declines a question with misspelt words is read again after (the others are not about its words)."""


def answer_question(
    index: QaIndex,
    question: str,
    lookup: CurriculumLookup,
    *,
    student: str | None = None,
    options: AnswerOptions | None = None,
    generator: Generator | None = None,
    keys_shown: Collection[str] | None = None,
) -> Answer:
    """Answer ``question`` from the indexed materials, for ``student`` when given.

    ``keys_shown``: the exercises whose answer keys the asker may read (None: all); the
    others' keys are neither evidence nor answer, and their items do not work the problem.
    Declined for its words while some are misspelt course words ("quadradic equasion"),
    the question is read again spelt as the materials spell them, and with a concept's
    other name ("BODMAS", an alternative label) read as its label; answered so, the
    answer says how it was read (``RESPELT``, or its own notice with the reading before it).
    """
    ask = partial(
        _answer_as_written, index, lookup=lookup, student=student, options=options, generator=generator,
        keys_shown=keys_shown,
    )  # fmt: skip
    answer = ask(question)
    if answer.answered or answer.notice not in RESPELT_DECLINES:
        return answer
    hints = spelling_hints(question_terms(question), index, index.hidden_terms(keys_shown))
    corrected, replaced = respelt(answer.question, hints)
    again = ask(corrected) if replaced else answer
    if not again.answered:  # then a concept's other name read as its label ("BODMAS": Order of Operations)
        corrected, renamed = lookup.concept_names().read_by_label(corrected)
        if not renamed:
            return answer
        again, replaced = ask(corrected), replaced | renamed
        if not again.answered:
            return answer
    message = read_as(replaced) + (" " + again.message if again.message else "")
    return replace(again, question=answer.question, message=message, notice=again.notice or "RESPELT")


def _answer_as_written(
    index: QaIndex,
    question: str,
    *,
    lookup: CurriculumLookup,
    student: str | None,
    options: AnswerOptions | None,
    generator: Generator | None,
    keys_shown: Collection[str] | None,
) -> Answer:
    """``answer_question`` with the question's words as they are."""
    opts = options or AnswerOptions()
    question = plain_letters(question)  # 𝑥 pasted from an equation editor, ｓｌｏｐｅ typed full width
    parts = split_question(question) if opts.read_expressions else QuestionParts(question, ())
    words = lexical_query(parts) if parts.expressions else question
    weight = opts.expression_lexical_weight if parts.expressions else None
    embedding = index.encoder.encode([question])[0]  # once: the slow part of a search, and a question may need three
    search = partial(
        index.search,
        question,
        lexical_query=words,
        lexical_weight=weight,
        expressions=parts.expressions,
        embedding=embedding,
    )
    hits = search(k=opts.evidence * 4, keys_shown=keys_shown)
    if not hits:
        return Answer(
            question, False, None, None, 0.0, (), (), (), (), "No material is indexed yet.", "NOTHING_INDEXED"
        )
    if not unread(question) and is_vague(question):  # "help": a passage saying "tests help" is no answer
        return Answer(question, False, None, None, 0.0, (), (), (), (), TOO_VAGUE, "TOO_VAGUE")
    known: dict[str, Material] = {}  # materials read once: ordering the hits needs them, the evidence too
    passed_over: list[Hit] = []  # the best hit, when one holding the question's form is quoted before it
    names = lookup.concept_names()
    posed = index.posing(parts.expressions, keys_shown)
    # an exercise's item word for word: among the hits, or the exercise that poses it (not promoted, maybe not there)
    posing = search(k=1, within=posed, keys_shown=keys_shown) if posed else []
    asked = asked_item(question, [*hits, *posing], index, keys_shown, parts.expressions)
    if asked is not None and parts.expressions and unknown_words(words, index):  # keys' words are the course's
        # "What's the derivative of x^2?" held an item's x^2 and was answered as that item, sure at 0.9, from
        # like terms: a question whose words no material uses is not the curriculum's own problem
        asked = None
    if hits[0].worked and not (asked is not None and asked.word_for_word(question)):
        posed, posing = [], []  # a material the asker may read works the expression asked about: the answer
    elif asked is not None and not asked.readable:
        posed = list(dict.fromkeys([asked.hit.chunk.material, *posed]))
        posing = [asked.hit]
    keyed = asked is not None and asked.readable and not hits[0].worked  # its keyed answer is the answer
    if keyed and asked is not None:
        hits = [asked.hit, *(h for h in hits if h.row != asked.hit.row)]
    elif posed:  # an exercise poses this very problem: its concepts say which method is asked for
        found = search(k=opts.evidence * 4, within=_teaching(posed, lookup, known), keys_shown=keys_shown)
        found = examples_first(found, known)  # a worked example shows the whole method, an extract a step of it
        rows = {h.row for h in found}
        hits = explaining_first(
            [*found, *(h for h in hits if h.row not in rows)], _fetched([h.chunk.material for h in hits], lookup, known)
        )
    elif (parts.expressions or asks_how(question)) and not hits[0].worked:
        # an exercise poses problems: asked how to do something, "how do I find the slope of a line?" was
        # answered with a practice set's worked answers, where an explanation of the method was found too
        if parts.expressions:  # the explanation holding the expression's form may rank lower: read further
            hits = search(k=max(FORM_POOL, opts.evidence * 4), keys_shown=keys_shown)
        read = _fetched([h.chunk.material for h in hits], lookup, known)
        hits = explaining_first(title_if_close(named_concept_first(hits, words, names, read), words), read)
        # "How do I factor x^2 - x - 6?" read "factor" and drew the common factor: x^2 - 11x + 28 has its form
        ranked, hits = hits[0], form_first(hits, parts.expressions, read)
        if hits[0] is not ranked:  # quoting the method its form names makes the materials' match no weaker
            passed_over = [ranked]
    elif not keyed and not hits[0].worked:
        read = _fetched([h.chunk.material for h in hits[:8]], lookup, known)
        hits = explanation_if_close(
            title_if_close(named_concept_first(hits, words, names, read), words), read, question=words
        )
    kept = _evidence(hits, opts)
    # posed by an exercise, the question is the curriculum's own and its concept is known: as sure as that match;
    # one of its items word for word ("-7 - 12", few words to match) is known for sure
    confidence = max(confidence_of(words, h, index) for h in [kept[0], *posing, *passed_over])
    if asked is not None:
        confidence = max(confidence, ITEM_CONFIDENCE)
    known = _fetched([h.chunk.material for h in kept], lookup, known)
    materials = [known[m] for m in dict.fromkeys(h.chunk.material for h in kept) if m in known]
    begins = _line_starts(materials)
    evidence = tuple(
        EvidencePassage(h.chunk.material, h.chunk.index, laid_out(h.chunk.sentences, begins), h.score, h.dense)
        for h in kept
    )
    kinds = {m.id: m.type for m in materials}
    concepts = tuple(dict.fromkeys(c for m in materials for c in (m.teaches or m.assesses)))
    mastery = lookup.mastery(student, prerequisites_of(concepts, lookup)) if student is not None else {}
    doubt = lookup.doubt(student) if mastery and student is not None else None
    weak = tuple(weak_prerequisites(concepts, mastery, lookup, opts.weak_below, doubt))
    suggested = tuple(suggestions([e.material for e in evidence], weak, lookup, opts.suggestions))
    if unread(question):  # no word to match: nothing is close to it (a Russian question got three materials)
        return Answer(question, False, None, None, 0.0, (), (), (), (), UNREAD, "UNREAD_SCRIPT")
    if confidence < opts.min_confidence:
        hidden = index.hidden_terms(keys_shown)  # words only a key they may not read uses are none of theirs
        strange = unknown_words(words, index, hidden=hidden)
        if strange is not None:  # neither weak prerequisites nor "the closest places" are about it
            message = (
                "I can't answer this from the materials: they never use "
                f"{quoted(as_typed(question, strange))}. Ask about what the course teaches."
            )
            return Answer(question, False, None, None, confidence, (), (), (), (), message, "OFF_TOPIC")
        message = "I don't know: the materials do not answer this clearly. These are the closest places to look."
        hints = spelling_hints(question_terms(words), index, hidden)
        if hints:
            typed = {t: (as_typed(question, [t]) or [t])[0] for t in hints}
            message += " Did you mean " + " and ".join(f'"{hints[t]}" for "{typed[t]}"' for t in hints) + "?"
        return Answer(
            question, False, None, None, confidence, evidence, concepts, weak, suggested, message, "LOW_CONFIDENCE"
        )
    best = kept[0]
    if keyed and asked is not None and best.row == asked.hit.row:
        problem = exercise_with_answer(asked.items, asked.at, asked.end, asked.key)
    elif parts.expressions or posed:
        problem = problem_text(best, parts.expressions, index, kinds.get(best.chunk.material), keys_shown)
    else:
        problem = []
    # one coherent account: the best material's chunks, not sentences of several (an audit's "This is the
    # distributive property used again and again." came from another material, its "This" pointing nowhere)
    sources = (
        kept[:1] if parts.expressions or posed else search(k=8, within=[best.chunk.material], keys_shown=keys_shown)
    )
    extract = [s for s in best_sentences(words, sources, index, opts.sentences, parts.expressions) if s not in problem]
    chunks = index.chunks_of(best.chunk.material, keys_shown)
    if (
        not problem
        and kinds.get(best.chunk.material) is MaterialType.EXAMPLE
        and asks_its_problem(question, extract, chunks)
    ):
        problem = problem_text(best, (), index, MaterialType.EXAMPLE, keys_shown)  # the example whole, not its problem
    if not problem and kinds.get(best.chunk.material) is MaterialType.EXAMPLE and cuts_a_solution(extract):
        problem = problem_text(best, (), index, MaterialType.EXAMPLE, keys_shown)  # not its steps 4 and 5 alone
    if not problem and (intro := intro_of(extract, chunks)):
        listed = introduced_list(intro, chunks)  # "A reliable plan:" with its steps, not its first
        before = extract[: extract.index(intro)] if listed and intro in extract else []  # what the list's "Its" means
        problem = [*before, *listed]
    explains = kinds.get(best.chunk.material) is not MaterialType.EXERCISE  # an exercise's list poses problems
    if not problem and not posed and explains and asks_how(question) and (steps := first_list(chunks)):
        opening = chunks[0].sentences[0] if chunks and chunks[0].sentences else ""
        problem = [opening, *steps] if opening and opening not in steps else steps  # what it is, then the steps
        if kinds.get(best.chunk.material) is MaterialType.EXAMPLE:  # a worked example whole: with its "Answer:"
            problem = problem_text(best, (), index, MaterialType.EXAMPLE, keys_shown) or problem
    if not problem and not extract:  # only exercises' items came back: they pose problems, none explains one
        message = (
            "I don't know: the materials pose problems like this one but none explains it. "
            "These are the closest places to look."
        )
        return Answer(
            question, False, None, None, confidence, evidence, concepts, weak, suggested, message, "LOW_CONFIDENCE"
        )
    begins = {**begins, **{s: True for s in problem if ITEM_NUMBER.match(s) or LIST_ITEM.match(s)}}  # keyed: no heading
    used = problem if len(problem) > 1 else (problem + extract)[: opts.sentences]
    # "Example: evaluate 2x^2 - 3x + 1 when x = -2." with its working, not alone (the problem, or where it ends)
    used = example_with_working(used, chunks, begins) or used
    text = laid_out(used, begins)
    cited = {(e.material, e.chunk) for e in evidence}
    further = quoted_chunks(index, best.chunk.material, used, cited, keys_shown)  # a whole example, a keyed answer
    if further:
        also = (
            EvidencePassage(c.material, c.index, laid_out(c.sentences, begins), best.score, best.dense) for c in further
        )
        evidence = (*evidence, *also)  # after the ranked evidence, which a client reads best first
    generated = _generate(generator, question, evidence) if generator is not None else None
    solved = best.worked or (keyed and asked is not None and best.row == asked.hit.row)
    reads_problems = opts.read_expressions  # off, the evaluation's plain-text reading: no problem is read at all
    missing = [] if solved or parts.expressions or posed or not reads_problems else numbers_missing(question, text)
    if missing:  # "What is the LCM of 4 and 6?" answered "LCM = 96 ÷ 4 = 24", another problem's, without a word
        message = _not_worked([" and ".join(problem_numbers(question))])  # the problem's numbers
    else:
        message = "" if solved or not (parts.expressions or posed) else _not_worked(parts.expressions)
    notice = "NOT_WORKED" if message else None
    return Answer(question, True, text, generated, confidence, evidence, concepts, weak, suggested, message, notice)


_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.]|-[a-z])", re.IGNORECASE)


_NAMED_BY = re.compile(
    r"\b(?:step|chapter|part|lesson|section|unit|page|grade|level|question|problem|exercise|example)\s*$", re.I
)
_COUNTING = re.compile(
    r"\s*(?:steps?|ways?|rules?|types?|kinds?|parts?|things?|methods?|properties|laws?|forms?|cases?)\b", re.I
)


def problem_numbers(question: str) -> list[str]:
    """The numbers a question asks to work with: not one joined to a word ("2-step", "3rd"), one naming
    a step or a chapter ("step 2"), or one counting things ("the 3 steps"), which name no value.

    Examples:
        >>> problem_numbers("What is 5% of 80?"), problem_numbers("What are the 3 steps?")
        (['5', '80'], [])
        >>> problem_numbers("What does step 2 mean?"), problem_numbers("What is a 2-step equation?")
        ([], [])
    """
    found = []
    for match in _NUMBER.finditer(question):
        if _NAMED_BY.search(question[: match.start()]) or _COUNTING.match(question, match.end()):
            continue
        found.append(match.group())
    return list(dict.fromkeys(found))


def numbers_missing(question: str, answer: str) -> list[str]:
    """The question's numbers (``problem_numbers``) the answer never states: it works other numbers.

    Examples:
        >>> numbers_missing("What is the LCM of 4 and 6?", "LCM = 96 ÷ 4 = 24")
        ['6']
        >>> numbers_missing("What is 5% of 80?", "35% of 80 = 28"), numbers_missing("What is a 2-step equation?", "")
        (['5'], [])
    """
    stated = set(_NUMBER.findall(answer))
    return [n for n in problem_numbers(question) if n not in stated]


def _not_worked(expressions: Sequence[str]) -> str:
    """The notice of an answer that explains the method but not the problem asked about.

    Examples:
        >>> _not_worked(["x^2 - 4"])
        'No material works this very problem (x^2 - 4); the answer shows the method on other examples.'
        >>> _not_worked([])
        'No material works this very problem; the answer shows the method on other examples.'
    """
    named = f" ({' and '.join(expressions)})" if expressions else ""
    return f"{NOT_WORKED}{named}; the answer shows the method on other examples."
