"""The answer to a question about one problem, from the material that holds it or shows its method.

An extract of the two sentences richest in the question's words suits "what is a
factor?"; for "how do I factor x^2 - 11x + 28?" it skipped steps of the worked solution
and picked bare exercise items ("3. x^2 + 5x - 36") that answer nothing.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from graph.model import MaterialType
from ml.qa.chunking import Chunk
from ml.qa.expressions import holds_expression
from ml.qa.index import Hit, QaIndex
from ml.qa.items import NUMBER

__all__ = [
    "example_with_working",
    "LIST_ITEM",
    "WORKED_WORDS",
    "asks_how",
    "asks_its_problem",
    "exercise_with_answer",
    "first_list",
    "intro_of",
    "introduced_list",
    "problem_text",
    "cuts_a_solution",
]

WORKED_WORDS = 160
"""At most about this many words of a worked example (or of a keyed answer) are given."""
_ITEM = re.compile(r"^(?:answers?:\s*)?(\d{1,2})[.)]\s", re.IGNORECASE)
LIST_ITEM = re.compile(r"^(?:\d{1,2}[.)]|[-*\u2022])\s")
"""A list's item, numbered or bulleted: "help with 2x + 3 = 7" got one bullet of a list of four, alone."""
_PROBLEM = re.compile(r"^problem\b", re.IGNORECASE)
_HEAD_LINE = re.compile(r"^[#*_ \t]*(?:answers?|answer[ \t]+key|solutions?)\b[^\n]*\n", re.IGNORECASE)


def problem_text(
    hit: Hit,
    expressions: Sequence[str],
    index: QaIndex,
    kind: MaterialType | None,
    keys_shown: Collection[str] | None = None,
) -> list[str]:
    """What answers a question about one problem from its best material, or [] to extract sentences.

    An extract of two sentences skips steps of a worked solution, so a worked example
    is given whole from its problem (the one asked about when it is there, else its
    first, as "the method on another example"; up to about ``WORKED_WORDS`` words).
    An exercise holding the problem gives the item with its keyed answer, and any other
    material the sentences holding it. An answer key outside ``keys_shown`` (None: all) is not read.
    """
    chunks = index.chunks_of(hit.chunk.material, keys_shown)
    sentences = list(dict.fromkeys(s for c in chunks for s in c.sentences))
    holding = [i for i, s in enumerate(sentences) if hit.worked and any(holds_expression(s, e) for e in expressions)]
    if kind is MaterialType.EXAMPLE:
        out: list[str] = []
        rest = sentences[holding[0] if holding else 0 :]
        for position, sentence in enumerate(rest):
            out.append(sentence)
            if sum(len(s.split()) for s in out) >= WORKED_WORDS:
                # cut short, it still ends on what the steps find: the vertex example lost its "Answer:" line
                answer = next((s for s in rest[position + 1 :] if _ANSWER.match(s) or _PROBLEM.match(s)), None)
                if answer is not None and _ANSWER.match(answer):
                    out.append(answer)
                break
        return out
    if not holding:
        return []
    if kind is MaterialType.EXERCISE:
        items = list(dict.fromkeys(s for c in chunks if c.part == "prompt" for s in c.sentences))
        key = list(dict.fromkeys(s for c in chunks if c.part == "key" for s in c.sentences))
        at = next((i for i, s in enumerate(items) if any(holds_expression(s, e) for e in expressions)), None)
        if at is None:
            return [sentences[holding[0]]]
        end = next((i for i in range(at + 1, len(items)) if _ITEM.match(items[i])), len(items))
        return exercise_with_answer(items, at, end, key)
    return [sentences[i] for i in holding[:2]]


def asks_its_problem(question: str, extract: Sequence[str], chunks: Sequence[Chunk]) -> bool:
    """Whether an extract from a worked example (``chunks``) picked its problem statement, the question's numbers its.

    "how do you find the GCF of 84, 126 and 210" holds no expression, so its extract was
    the two sentences richest in its words: the problem statement alone ("Problem: Find
    the GCF of 84, 126 and 210."), at confidence 1.0. Such a question asks for the
    example's solution, given whole as for a question holding an expression.

    Examples:
        >>> from ml.qa.chunking import Chunk
        >>> example = [Chunk("m", 0, "GCF", ("Problem: Find the GCF of 84, 126 and 210.", "Solution:", "1. Factor."))]
        >>> asks_its_problem("find the GCF of 84, 126 and 210", ["Problem: Find the GCF of 84, 126 and 210."], example)
        True
        >>> asks_its_problem("find the GCF of 8 and 12", ["Problem: Find the GCF of 84, 126 and 210."], example)
        False
    """
    statement = next((s for c in chunks for s in c.sentences if _PROBLEM.match(s)), None)
    if statement is None or statement not in extract:
        return False
    return set(NUMBER.findall(question)) <= set(NUMBER.findall(statement))


def cuts_a_solution(extract: Sequence[str]) -> bool:
    """Whether an extract opens on a later step of a numbered solution, or quotes the solution's heading.

    "slope practice answers" was answered "4. Slope: m = -10/5 = -2." and step 5, steps of
    another material's worked example, at confidence 0.75: a student could read -2 as the
    key to the practice set's first item. An extract quoting the heading ("Solution:\\n1.
    Discount: 35% of 80 = 28.") went on to the steps alone: "What is 5% of 80?" was answered
    with a discount's steps and never said which problem they solve. From a worked example
    such a question gets the example whole, from its problem.

    Examples:
        >>> cuts_a_solution(["4. Slope: m = -10/5 = -2.", "5. The slope is negative."])
        True
        >>> cuts_a_solution(["1. Label the points."]), cuts_a_solution(["Slope is rise over run."])
        (False, False)
        >>> cuts_a_solution(["Problem: A jacket costs $80.", "Solution:\\n1. Discount: 35% of 80 = 28."])
        True
    """
    if any(_SOLUTION.match(sentence) for sentence in extract):
        return True
    found = _ITEM.match(extract[0]) if extract else None
    return found is not None and int(found.group(1)) > 1


_SOLUTION = re.compile(r"^(?:solution|working|steps)\s*:", re.IGNORECASE)
"""A worked example's heading over its steps."""


def introduced_list(intro: str, chunks: Sequence[Chunk]) -> list[str]:
    """``intro`` ("A reliable plan:") with the numbered items that follow it in its material, up to ``WORKED_WORDS``.

    "what is a good plan for word problems" was answered "A reliable plan:" and the plan's
    first step: an extract of two sentences cut the list it introduced.

    Examples:
        >>> from ml.qa.chunking import Chunk
        >>> plan = [Chunk("m", 0, "Plan", ("A reliable plan:", "1. Name the unknown.", "2. Write it.", "Then check."))]
        >>> introduced_list("A reliable plan:", plan)
        ['A reliable plan:', '1. Name the unknown.', '2. Write it.']
        >>> introduced_list("Then check.", plan)
        []
        >>> joined = [Chunk("m", 0, "Plan", ("A reliable plan:\\n1. Name the unknown.", "2. Write it.", "Then check."))]
        >>> introduced_list("A reliable plan:\\n1. Name the unknown.", joined)
        ['A reliable plan:\\n1. Name the unknown.', '2. Write it.']
        >>> rules = [Chunk("m", 0, "Order", ("An order:\\n1. Groups.", "Innermost first.", "2. Powers.", "Example."))]
        >>> introduced_list("An order:\\n1. Groups.", rules)
        ['An order:\\n1. Groups.', 'Innermost first.', '2. Powers.']
        >>> bullets = [Chunk("m", 0, "Undo", ("Undo it:\\n- x + 4 = 11: x = 7.", "- x - 7 = 3: x = 10.", "Check."))]
        >>> introduced_list("Undo it:\\n- x + 4 = 11: x = 7.", bullets)
        ['Undo it:\\n- x + 4 = 11: x = 7.', '- x - 7 = 3: x = 10.']
    """
    sentences = list(dict.fromkeys(s for c in chunks for s in c.sentences))
    head, _, first = intro.partition("\n")  # a heading line runs on into its first item (one sentence)
    if not head.rstrip().endswith(":") or (first and not LIST_ITEM.match(first)) or intro not in sentences:
        return []
    out = [intro]
    after = sentences[sentences.index(intro) + 1 :]
    for at, sentence in enumerate(after):
        if sum(len(s.split()) for s in out) >= WORKED_WORDS:
            break
        # an item of two sentences goes on to its second ("Work from the innermost group outward."): stopped
        # there, "what is the order of operations" was answered with the first of its four rules
        within = len(out) > 1 or bool(first)  # past the list's first item
        continues = within and any(LIST_ITEM.match(s) for s in after[at + 1 : at + 3])
        if not (LIST_ITEM.match(sentence) or continues):
            break
        out.append(sentence)
    return out if len(out) > 1 else []


_ANSWER = re.compile(r"^Answer\s*:", re.IGNORECASE)
"""The line a worked example ends on: what its steps found."""
_PROBLEM = re.compile(r"^Problem\s*\d*\s*:", re.IGNORECASE)
"""The line a worked example opens on."""
_EXAMPLE = re.compile(r"^Example\s*\d*\s*:", re.IGNORECASE)
"""An explanation's example, stated in a sentence its working follows."""
_STEP_LINE = re.compile(r"^(?:[A-Z][\w ,'()-]{0,40}:\s+\S|\d{1,2}[.)]\s|[-*\u2022]\s)")
"""A line of a worked example's working: "Substitute: 2(-2)^2 + 1.", "Check: ...", a numbered or bulleted step."""


def example_with_working(extract: Sequence[str], chunks: Sequence[Chunk], begins: Mapping[str, bool]) -> list[str]:
    """``extract`` with the working of the example it ends on, where it ends on one ("Example: ...").

    "evaluate 3x^2 - 2x when x = -2" was answered up to "Example: evaluate 2x^2 - 3x + 1
    when x = -2." and no further; the rectangle "3 m longer than it is wide" and the system
    x + y = 10, x - y = 4 were given back as their problems. The working goes on on the
    example's own line (to its end), or on the lines after it while each is a step
    ("Substitute: ...", "Check: ...", a numbered or bulleted one), up to ``WORKED_WORDS``.
    ``begins``: whether each sentence begins a line of its material. [] when there is none.

    Examples:
        >>> from ml.qa.chunking import Chunk
        >>> text = ("Evaluate by substituting.", "Example: 2x + 1 when x = 3.", "Substitute: 2(3) + 1.",
        ...         "Add: 6 + 1 = 7.", "Always use parentheses.")
        >>> lines = dict.fromkeys(text, True)
        >>> example_with_working(text[:2], [Chunk("m", 0, "T", text)], lines)[2:]
        ['Substitute: 2(3) + 1.', 'Add: 6 + 1 = 7.']
        >>> inline = ("Example: x + y = 10 and x - y = 4.", "Add them: 2x = 14.", "So x = 7.", "Next topic.")
        >>> starts = {inline[0]: True, inline[1]: False, inline[2]: False, inline[3]: True}
        >>> example_with_working(inline[:1], [Chunk("m", 0, "T", inline)], starts)[1:]
        ['Add them: 2x = 14.', 'So x = 7.']
    """
    if not extract or not _EXAMPLE.match(extract[-1].strip()):
        return []
    sentences = list(dict.fromkeys(s for c in chunks for s in c.sentences))
    if extract[-1] not in sentences:
        return []
    working: list[str] = []
    on_its_line: bool | None = None
    for sentence in sentences[sentences.index(extract[-1]) + 1 :]:
        new_line = begins.get(sentence, False)
        if on_its_line is None:
            on_its_line = not new_line  # the working follows on the example's own line, or on the lines after it
        if (on_its_line and new_line) or (new_line and not _STEP_LINE.match(sentence)) or _EXAMPLE.match(sentence):
            break
        working.append(sentence)
        if sum(len(s.split()) for s in [*extract, *working]) >= WORKED_WORDS:
            break
    return [*extract, *working] if working else []


_HOW = re.compile(
    r"^\W*(?:how\s+(?:do|can|should|would|could|does|did)\s+(?:i|you|we|one|they|he|she)\b|how\s+to\b|"
    r"what\s+(?:are\s+)?(?:the\s+)?steps\b|(?:the\s+)?steps\s+(?:to|for)\b)",
    re.IGNORECASE,
)


def asks_how(question: str) -> bool:
    """Whether ``question`` asks for a procedure ("how do I...", "how to...", "what are the steps...").

    Examples:
        >>> [asks_how(q) for q in ("How do I complete the square?", "how to factor", "What is slope?")]
        [True, True, False]
    """
    return bool(_HOW.match(question))


def first_list(chunks: Sequence[Chunk]) -> list[str]:
    """The material's first numbered list with the line introducing it (``introduced_list``), or [].

    "how do I complete the square?" was answered with one sentence from the middle of the
    explanation, where the material lists the four steps.

    Examples:
        >>> from ml.qa.chunking import Chunk
        >>> first_list([Chunk("m", 0, "T", ("Intro.", "To do it:", "1. One.", "2. Two.", "Done."))])
        ['To do it:', '1. One.', '2. Two.']
    """
    for sentence in dict.fromkeys(s for c in chunks for s in c.sentences):
        if sentence.partition("\n")[0].rstrip().endswith(":") and (found := introduced_list(sentence, chunks)):
            return found
    return []


def intro_of(extract: Sequence[str], chunks: Sequence[Chunk]) -> str | None:
    """The sentence introducing a list ("A reliable plan:") that ``extract`` picked, or that opens a step it picked.

    "how do I solve quadratic word problems?" was answered with step 4 of a plan, alone.

    Examples:
        >>> from ml.qa.chunking import Chunk
        >>> plan = [Chunk("m", 0, "Plan", ("Intro.", "A plan:\\n1. Name it.", "2. Write it.", "3. Solve it."))]
        >>> intro_of(["3. Solve it."], plan), intro_of(["Intro."], plan)
        ('A plan:\\n1. Name it.', None)
    """
    sentences = list(dict.fromkeys(s for c in chunks for s in c.sentences))
    for position, picked in enumerate(extract):
        # a bulleted list is given whole only where the answer would open inside it ("- x - 7 = 3: add 7..."
        # alone); one after a definition stays a sentence of it, as it was
        item = LIST_ITEM if position == 0 else _ITEM
        head, _, first = picked.partition("\n")
        # a sentence that opens a list, bulleted too, is given with the list wherever it stands: "what does the
        # discriminant tell you" ended on the first of its three cases
        if head.rstrip().endswith(":") and (not first or LIST_ITEM.match(first)):
            return picked
        if item.match(picked) and picked in sentences:
            at = sentences.index(picked)
            while at > 0 and item.match(sentences[at]):
                at -= 1
            if sentences[at].partition("\n")[0].rstrip().endswith(":"):
                return sentences[at]
    return None


def exercise_with_answer(items: Sequence[str], at: int, end: int, key: Sequence[str]) -> list[str]:
    """An exercise's item (``items[at:end]``) and, when its key numbers its answers, that answer.

    "3. x^2 + 5x - 36" alone answers nothing; practice sets list "Answers:" after the
    items, numbered the same ("Answers: 1. ...", "3. (x + 9)(x - 4). ..."), each answer
    running to the next number. The key's heading is left out ("Answers:" came first in
    the answer to item 1 and no other).

    Examples:
        >>> exercise_with_answer(["Solve.", "1. 2x = 4", "2. x + 1 = 5"], 2, 3, ["Answers:\\n1. x = 2.", "2. x = 4."])
        ['2. x + 1 = 5', '2. x = 4.']
        >>> exercise_with_answer(["1. 2x = 4"], 0, 1, ["Answers:\\n1. x = 2.", "Divide by 2."])
        ['1. 2x = 4', '1. x = 2.', 'Divide by 2.']
    """
    item = _ITEM.match(items[at])
    asked = list(items[at:end])
    if item is None or not key:
        return asked
    number = item.group(1)
    answers = [_HEAD_LINE.sub("", s, count=1) for s in key]
    found = next((i for i, s in enumerate(answers) if (m := _ITEM.match(s)) and m.group(1) == number), None)
    if found is None:
        return asked
    answer = [answers[found]]
    for sentence in answers[found + 1 :]:
        if _ITEM.match(sentence) or sum(len(s.split()) for s in answer) >= WORKED_WORDS:
            break
        answer.append(sentence)
    return [*asked, *answer]
