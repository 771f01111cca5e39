"""The form of a math expression: the kind of problem it poses, whatever its numbers.

"How do I factor x^2 - x - 6?" asks about a quadratic trinomial. No material factors
x^2 - x - 6, but one factors x^2 - 11x + 28 and another states the rule for
x^2 + bx + c: the same form. Read as words, the question is "factor" and an x, and
the explanation of taking out a common factor came first. An expression's form is its
symbols with every number written ``#``, read at four levels, each looser than the one
before:

- *strict*: the letters as written, signs and coefficients kept ("y = 2x + 3" and
  "y = mx + b", where the coefficient m and the constant b are parameters, not unknowns);
- *renamed*: the letters renamed in order ("x^3 * x^4" and "a^m · a^n");
- *loose*: renamed, one sign for plus and minus, coefficients and a leading sign dropped
  ("x^2 - x - 6" and "x^2 - 11x + 28", "6x^2 - 7x - 5");
- *general*: loose, with a number and a letter alike ("(x - 5)^2" and "(a - b)^2"): too
  loose to choose a material by itself.

A text holds a form where one of its expressions, or a side of one of its equations, has
it ("2^(-3) = 1/8" holds the form of 2^(-3)). A form of one operation ("x^2", "3^4",
"(1, 2)") is in nearly every passage, so it says nothing: such an expression has no form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from graph.model import Material, MaterialType
from ml.qa.expressions import split_question, symbols
from ml.qa.index import Hit

__all__ = ["GENERAL", "LOOSE", "RENAMED", "STRICT", "Form", "form_first", "form_level", "form_of", "text_form_level"]

STRICT, RENAMED, LOOSE, GENERAL = 4, 3, 2, 1
"""How closely a text's expression has a question's form: the letters as written, renamed, loosely, generally."""

_UNKNOWNS = frozenset("xyzt")
"""The letters algebra names its unknowns by: beside one of them, a letter in a coefficient's or a constant's
place stands for a number (the m and b of y = mx + b, the b and c of x^2 + bx + c)."""
_RELATIONS = frozenset("=<>≤≥≠≈")
_OPERATORS = frozenset("+-*/^√") | _RELATIONS
_FUNCTIONS = frozenset({"sin", "cos", "tan", "log", "ln", "sqrt", "exp", "abs"})
_TERM_EDGES = frozenset({"+", "-", "(", ")", ",", *_RELATIONS})
_MIN_OPERATIONS = 2
FORM_WITHIN = 0.7
"""How well, against the best hit, an explanation holding the question's form must score to come first."""
FORM_POOL = 24
"""How many hits a question with an expression reads for one holding its form."""


@dataclass(frozen=True, slots=True)
class Form:
    """An expression's form at the four levels, as tuples of symbols (``#`` for a number or a parameter)."""

    strict: tuple[str, ...]
    renamed: tuple[str, ...]
    loose: tuple[str, ...]
    general: tuple[str, ...]


def _letter(atom: str) -> bool:
    return len(atom) == 1 and atom.isalpha()


def _atoms(expression: str) -> list[str]:
    """The expression's symbols, numbers as ``#``; a short word ("xy", "ab") is a product of letters."""
    out: list[str] = []
    for kind, text in symbols(expression):
        if kind in ("number", "blank"):
            out.append("#")
        elif kind == "word":
            out.extend(text if len(text) <= 3 and text not in _FUNCTIONS else [text])
        elif kind != "other":
            out.append(text)
    return out


def _in_exponent(atoms: Sequence[str]) -> list[bool]:
    """Whether each atom stands in an exponent: right after ``^``, or inside the brackets that follow it."""
    inside: list[bool] = []
    depth = 0
    exponent_depths: list[int] = []
    for i, atom in enumerate(atoms):
        after_caret = i > 0 and atoms[i - 1] == "^"
        if atom == "(":
            depth += 1
            if after_caret:
                exponent_depths.append(depth)
            inside.append(bool(exponent_depths) or after_caret)
        elif atom == ")":
            inside.append(bool(exponent_depths))
            if exponent_depths and exponent_depths[-1] == depth:
                exponent_depths.pop()
            depth -= 1
        else:
            inside.append(bool(exponent_depths) or after_caret)
    return inside


def _parameters(atoms: list[str]) -> list[str]:
    """``atoms`` with the letters that stand for numbers written ``#``.

    A letter in an exponent always does (a^(-n)); beside an unknown (x, y, z, t), so
    does one in a coefficient's place (the m of mx) or standing alone as a term (the b
    of mx + b). Every occurrence of the letter must be so.
    """
    exponent = _in_exponent(atoms)
    unknowns = {a for a in atoms if a in _UNKNOWNS}
    stands_for_number: dict[str, bool] = {}
    for i, atom in enumerate(atoms):
        if not _letter(atom) or atom in unknowns:
            continue
        before = atoms[i - 1] if i else "("
        after = atoms[i + 1] if i + 1 < len(atoms) else ")"
        coefficient = after in unknowns or after == "("
        alone = before in _TERM_EDGES and after in _TERM_EDGES
        number = exponent[i] or (bool(unknowns) and (coefficient or alone))
        stands_for_number[atom] = stands_for_number.get(atom, True) and number
    return ["#" if stands_for_number.get(a, False) else a for a in atoms]


def _renamed(atoms: Sequence[str]) -> tuple[str, ...]:
    names: dict[str, str] = {}
    return tuple(names.setdefault(a, f"v{len(names)}") if _letter(a) else a for a in atoms)


def _loose(atoms: Sequence[str]) -> tuple[str, ...]:
    """Every operand one symbol (a rule's letter stands for any number), one sign for plus and minus, no
    multiplication sign, no coefficient and no leading sign."""
    out: list[str] = []
    for i, atom in enumerate(atoms):
        after = atoms[i + 1] if i + 1 < len(atoms) else None
        operand = atom == "#" or atom.startswith("v")
        if atom == "*" or (operand and after is not None and (after == "(" or after.startswith("v"))):
            continue  # 2x, mx, 3(x + 1): the coefficient
        if atom in ("+", "-"):
            if not out or out[-1] in ("(", ",", "±", *_RELATIONS):
                continue  # a leading sign: -5x reads as 5x
            atom = "±"
        out.append(("o" if atom.startswith("v") else "#") if operand else atom)
    return tuple(out)


def _general(loose: Sequence[str]) -> tuple[str, ...]:
    """``loose`` with a number and a letter alike: a rule's letter stands for any number ((a - b)^2 for (x - 5)^2)."""
    return tuple("o" if a == "#" else a for a in loose)


def _operations(atoms: Sequence[str]) -> int:
    """How many operations ``atoms`` write, a product by juxtaposition ("2x", "(x + 1)(x - 1)") counting."""
    count = sum(a in _OPERATORS for a in atoms)
    for left, right in zip(atoms, atoms[1:], strict=False):
        operand_left = left in ("#", ")") or _letter(left)
        count += operand_left and (right == "(" or _letter(right))
    return count


@lru_cache(maxsize=1 << 14)
def form_of(expression: str) -> Form | None:
    """The form of ``expression``; None for one of fewer than two operations, which says nothing of its kind.

    Examples:
        >>> form_of("y = mx + b").strict == form_of("y = 2x + 3").strict
        True
        >>> form_of("x^2 - x - 6").loose == form_of("x^2 - 11x + 28").loose == form_of("6x^2 - 7x - 5").loose
        True
        >>> form_of("a^(-n)").strict == form_of("a^(-2)").strict, form_of("x^2") is None
        (True, True)
    """
    return _form(tuple(_atoms(expression)))


def _form(symbols: tuple[str, ...]) -> Form | None:
    atoms = _parameters(list(symbols))
    if _operations(atoms) < _MIN_OPERATIONS:
        return None
    renamed = _renamed(atoms)
    loose = _loose(renamed)
    return Form(tuple(atoms), renamed, loose, _general(loose))


@lru_cache(maxsize=1 << 14)
def _held_forms(expression: str) -> tuple[Form, ...]:
    """The forms ``expression`` holds: its own and each side of its equations or inequalities."""
    atoms = _atoms(expression)
    sides: list[list[str]] = [[]]
    depth = 0
    for atom in atoms:
        depth += {"(": 1, ")": -1}.get(atom, 0)
        if atom in _RELATIONS and depth == 0:
            sides.append([])
        else:
            sides[-1].append(atom)
    pieces = [atoms] if len(sides) == 1 else [atoms, *(s for s in sides if s)]
    return tuple(f for p in pieces if (f := _form(tuple(p))) is not None)


def form_level(question: str, expression: str) -> int:
    """How closely ``expression`` (or a side of it) has ``question``'s form: ``STRICT`` ... ``GENERAL``, or 0.

    Examples:
        >>> form_level("x^2 - x - 6", "x^2 - 11x + 28 = (x - 4)(x - 7)"), form_level("x^2 - x - 6", "x^2 - 49")
        (2, 0)
        >>> form_level("(x+y)^2", "(a + b)^2 = a^2 + 2ab + b^2"), form_level("2^(-3)", "2^(-3) = 1/8")
        (3, 4)
        >>> form_level("(x - 5)^2", "(a - b)^2 = a^2 - 2ab + b^2")
        1
    """
    asked = form_of(question)
    if asked is None:
        return 0
    held = _held_forms(expression)
    for level, part in ((STRICT, "strict"), (RENAMED, "renamed"), (LOOSE, "loose"), (GENERAL, "general")):
        if any(getattr(f, part) == getattr(asked, part) for f in held):
            return level
    return 0


@lru_cache(maxsize=1 << 14)
def _expressions_in(text: str) -> tuple[str, ...]:
    return split_question(text).expressions


def text_form_level(texts: Sequence[str], expressions: Sequence[str]) -> float:
    """How closely ``texts`` hold the forms of ``expressions``: the mean over them of the best level found.

    Examples:
        >>> text_form_level(["Square of a sum: (a + b)^2 = a^2 + 2ab + b^2."], ["(x+y)^2"])
        3.0
        >>> text_form_level(["Factor out the GCF: 12x^3 + 18x^2 = 6x^2(2x + 3)."], ["x^2 - x - 6"])
        0.0
    """
    if not expressions:
        return 0.0
    held = [e for t in texts for e in _expressions_in(t)]
    return sum(max((form_level(q, e) for e in held), default=0) for q in expressions) / len(expressions)


def form_first(
    hits: Sequence[Hit], expressions: Sequence[str], known: Mapping[str, Material], within: float = FORM_WITHIN
) -> list[Hit]:
    """First, the explanation or example holding the question's form most closely, when it scores nearly as well.

    Among the explaining hits scoring at least ``within`` of the first one, the one
    holding the closest form comes first, when that form is at least ``LOOSE`` and closer
    than the first's; of two as close, the one whose title holds the form strictly or
    renamed (the material is about it: "Slope-intercept form y = mx + b"), else the
    better ranked. ``known``: the hits' materials.
    """
    if not hits or not any(form_of(e) for e in expressions):
        return list(hits)

    def explains(hit: Hit) -> bool:
        m = known.get(hit.chunk.material)
        return m is not None and m.type is not MaterialType.EXERCISE

    def level(hit: Hit) -> tuple[float, bool]:
        title = text_form_level([hit.chunk.title], expressions)
        return max(title, text_form_level(hit.chunk.sentences, expressions)), title >= RENAMED

    floor = within * hits[0].score
    close = [(level(h), i) for i, h in enumerate(hits) if h.score >= floor and explains(h)]
    if not close:
        return list(hits)
    best, at = max(close, key=lambda c: (c[0], -c[1]))
    if at == 0 or best[0] < LOOSE or best <= level(hits[0]):
        return list(hits)
    return [hits[at], *hits[:at], *hits[at + 1 :]]
