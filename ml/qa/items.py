"""An exercise item asked word for word: found among the hits, answered with its key or its concept's method.

Students paste the items of the exercises they are given. Only items holding a math
expression were recognised (``ml.qa.expressions``): "List all the factors of 30." was
answered "Method 1, list the factors." and "A map uses a scale of 2 cm : 5 km. ..." with
the item itself. An item is a numbered sentence of an exercise and the sentences up to
the next number; the question restates it when it holds nearly all of the item's words
and numbers, and the item (with its exercise's instruction) nearly all of the question's.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ml.qa.bm25 import tokenize
from ml.qa.expressions import holds_expression
from ml.qa.index import Hit, QaIndex

__all__ = ["ITEM_NUMBER", "NUMBER", "AskedItem", "asked_item", "item_blocks", "restates"]

ITEM_NUMBER = re.compile(r"^(\d{1,2})[.)]\s+")
"""An item's number opening its sentence ("3. ", "12) ")."""
NUMBER = re.compile(r"\d+(?:\.\d+)?")
"""A number as a question or an item writes it ("30", "2.5"): another number is another problem."""
ITEM_SHARE = 0.8
"""The share of the item's terms the question must hold, and of the question's the item (with its instruction)."""


@dataclass(frozen=True, slots=True)
class AskedItem:
    """The exercise item a question restates.

    Attributes:
        hit: the hit of the exercise's chunk that holds it.
        items: the exercise's item sentences (its prompt), in order.
        at: where the item starts in ``items``; it runs to ``end``.
        end: where it ends (exclusive).
        key: the exercise's answer key sentences the asker may read ([] when none, or hidden).
        readable: whether the exercise has a key the asker may read.
    """

    hit: Hit
    items: tuple[str, ...]
    at: int
    end: int
    key: tuple[str, ...]
    readable: bool

    def word_for_word(self, question: str) -> bool:
        """Whether ``question`` restates the item's words and numbers, not only an expression it holds.

        "how do I find the y-intercept of y = 3x - 4?" holds an expression an item about
        perpendicular lines holds: that item's concept is not what it asks about.
        """
        instruction = self.items[0] if self.items and not ITEM_NUMBER.match(self.items[0]) else ""
        return restates(question, self.items[self.at : self.end], instruction)


def item_blocks(sentences: Sequence[str]) -> list[tuple[int, int]]:
    """(start, end) of each numbered item: its numbered sentence and those up to the next number.

    Examples:
        >>> item_blocks(["Solve.", "1. 2x = 4", "2. A map uses 2 cm : 5 km.", "How far?", "3. x + 1 = 2"])
        [(1, 2), (2, 4), (4, 5)]
    """
    starts = [i for i, s in enumerate(sentences) if ITEM_NUMBER.match(s)]
    return list(zip(starts, [*starts[1:], len(sentences)][: len(starts)], strict=True))


def restates(question: str, item: Sequence[str], instruction: str = "", expressions: Sequence[str] = ()) -> bool:
    """Whether ``question`` is the ``item`` (its sentences) asked word for word, give or take its instruction.

    Its numbers must be the item's: another number is another problem. A question's math
    expressions (``expressions``) must each stand whole in the item: "factor x^2 + 5x + 6"
    is not "1. x^2 + 5x + 6 = 0", an equation to solve.

    Examples:
        >>> restates("List all the factors of 30.", ["4. List all the factors of 30."])
        True
        >>> restates("List all the factors of 36.", ["4. List all the factors of 30."])
        False
        >>> restates("Round to the nearest ten: 47", ["1. 47"], "Round each number to the nearest ten.")
        True
        >>> restates("What are factors?", ["4. List all the factors of 30."])
        False
        >>> restates("How do I factor x^2 + 5x + 6?", ["1. x^2 + 5x + 6 = 0"], "Solve.", ["x^2 + 5x + 6"])
        False
    """
    if expressions:
        return all(any(holds_expression(s, e) for s in item) for e in expressions)
    asked = set(tokenize(question))
    own = set(tokenize(ITEM_NUMBER.sub("", " ".join(item), count=1)))
    if not asked or not own or {t for t in asked if NUMBER.fullmatch(t)} != {t for t in own if NUMBER.fullmatch(t)}:
        return False
    context = own | set(tokenize(instruction))
    return len(asked & own) >= ITEM_SHARE * len(own) and len(asked & context) >= ITEM_SHARE * len(asked)


def asked_item(
    question: str,
    hits: Sequence[Hit],
    index: QaIndex,
    keys_shown: Collection[str] | None = None,
    expressions: Sequence[str] = (),
) -> AskedItem | None:
    """The item of an exercise among ``hits`` (best first) that ``question`` restates, or None."""
    seen: set[str] = set()
    for hit in hits:
        material = hit.chunk.material
        if hit.chunk.part != "prompt" or material in seen:
            continue
        seen.add(material)
        chunks = index.chunks_of(material)
        items = tuple(dict.fromkeys(s for c in chunks if c.part == "prompt" for s in c.sentences))
        key = tuple(dict.fromkeys(s for c in chunks if c.part == "key" for s in c.sentences))
        instruction = items[0] if items and not ITEM_NUMBER.match(items[0]) else ""
        for at, end in item_blocks(items):
            if restates(question, items[at:end], instruction, expressions):
                readable = bool(key) and (keys_shown is None or material in keys_shown)
                return AskedItem(hit, items, at, end, key if readable else (), readable)
    return None
