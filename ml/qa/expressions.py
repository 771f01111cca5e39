"""Math expressions inside a question: found, set apart from its words, matched exactly.

"How do I factor x^2 - x - 6?" asks for a method ("factor") on one instance
("x^2 - x - 6"). The instance's numbers say nothing about which material explains the
method, but to BM25 they are words like any other: they pulled in practice lists that
happen to hold a 6, and the confidence counted them as matched. So retrieval ranks
by the words, an exact occurrence of the expression in a material (a worked example
of this very problem) is found separately, and the answer says when there is none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ml.qa.bm25 import STOPWORDS

__all__ = ["QuestionParts", "compact_symbols", "holds_expression", "holds_shape", "split_question", "symbols"]

_TOKEN = re.compile(
    r"(?P<number>\d+(?:\.\d+)?)"
    r"|(?P<blank>_{2,}|□)"
    r"|(?P<word>[A-Za-z]+)"
    r"|(?P<operator>[-+−–*×·/÷=^<>≤≥≠≈²³√])"
    r"|(?P<open>[(\[])"
    r"|(?P<close>[)\]])"
    r"|(?P<comma>,)"
    r"|(?P<bar>\|)"
    r"|(?P<other>\S)"
)
_FUNCTIONS = frozenset({"sin", "cos", "tan", "log", "ln", "sqrt", "exp", "abs"})
_OPERANDS = ("number", "variable", "blank")  # a blank ("___") stands for the number a learner fills in
_BINARY = frozenset("+*×·/÷=^<>≤≥²³")  # operators that cannot open an expression ("-5", "√2", "sqrt(2)" can)
_SPELLINGS = str.maketrans({"−": "-", "–": "-", "×": "*", "·": "*", "÷": "/"})
_BLANK = re.compile(r"_{2,}|□")


@dataclass(frozen=True, slots=True)
class QuestionParts:
    """A question split into its words and the expressions it holds (in order)."""

    words: str
    expressions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int


def _tokens(question: str) -> list[_Token]:
    """Tokens, with single letters, a number's attached letters and function names read as math."""
    out: list[_Token] = []
    for match in _TOKEN.finditer(question):
        kind = match.lastgroup or "other"
        text = match.group()
        if kind == "word" and _contraction(question, match.start()):
            pass  # the s of "what's": "what's 3/4 + 1/8?" was told no material works "s 3/4 + 1/8"
        elif kind == "word":
            attached = bool(out) and out[-1].kind == "number" and out[-1].end == match.start()
            after_operator = bool(out) and out[-1].kind in ("operator", "open")
            before_operator = _TOKEN.match(question, _skip_spaces(question, match.end()))
            joined = after_operator or (before_operator is not None and before_operator.lastgroup == "operator")
            if len(text) == 1 or (len(text) <= 3 and text.lower() not in STOPWORDS and (attached or joined)):
                kind = "variable"  # x, 2x, 3xy, and ab in "a^2 - ab + b^2"
            elif text.lower() in _FUNCTIONS and question[match.end() : match.end() + 1] == "(":
                kind = "operator"
        out.append(_Token(kind, text, match.start(), match.end()))
    return _hyphenated_words(out)


def _contraction(question: str, start: int) -> bool:
    """Whether the letters at ``start`` end a word after its apostrophe: "what's", "isn't", "we'll".

    Examples:
        >>> _contraction("what's 3/4", 5), _contraction("f'(x) = 2x", 0), _contraction("'s x + 1", 1)
        (True, False, False)
    """
    return start >= 2 and question[start - 1] in "'’" and question[start - 2].isalpha()


def _hyphenated_words(tokens: list[_Token]) -> list[_Token]:
    """Two words of two letters or more joined by a hyphen with no space are one word ("est-ce"), not a difference.

    "Qu'est-ce que le plan cartésien ?" was told "No material works this very problem (est-ce)".
    """
    out = list(tokens)
    for i in range(1, len(out) - 1):
        left, dash, right = out[i - 1], out[i], out[i + 1]
        if (
            dash.text in ("-", "–")
            and left.end == dash.start
            and dash.end == right.start
            and all(t.text.isalpha() and len(t.text) >= 2 for t in (left, right))
        ):
            out[i - 1], out[i], out[i + 1] = (replace(t, kind="word") for t in (left, dash, right))
    return out


def _skip_spaces(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _runs(tokens: list[_Token]) -> list[list[_Token]]:
    """Maximal runs of math tokens; a comma outside brackets ends a run ("3, 5 and 7")."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    depth = 0
    for token in tokens:
        math = token.kind in ("number", "variable", "blank", "operator", "open", "close", "bar") or (
            token.kind == "comma" and depth > 0
        )
        if not math:
            if current:
                runs.append(current)
            current, depth = [], 0
            continue
        depth += {"open": 1, "close": -1}.get(token.kind, 0)
        current.append(token)
    if current:
        runs.append(current)
    return runs


def _trimmed(run: list[_Token]) -> list[_Token]:
    """The run without dangling operators or unmatched brackets at its ends ("x-intercept" -> "x")."""
    start, end = 0, len(run)
    while start < end and (
        run[start].kind == "close" or (run[start].kind == "operator" and run[start].text in _BINARY)
    ):
        start += 1
    while end > start and (run[end - 1].kind in ("operator", "open") and run[end - 1].text not in ("²", "³")):
        end -= 1
    kept = run[start:end]
    while kept and kept[-1].kind == "close" and _depth(kept) < 0:
        kept = kept[:-1]  # "(that is, 1 1/9)": the bracket closes the sentence's, not the expression's
    while kept and kept[0].kind == "open" and _depth(kept) > 0:
        kept = kept[1:]
    return kept


def _depth(run: list[_Token]) -> int:
    return sum({"open": 1, "close": -1}.get(t.kind, 0) for t in run)


def _is_expression(run: list[_Token]) -> bool:
    """Two operands joined by an operator, or a bracketed tuple such as a point (1, 2)."""
    if _is_year_range(run):
        return False
    operands = sum(t.kind in _OPERANDS for t in run)
    if operands == 0:
        return False
    joined = any(t.kind in ("operator", "comma") for t in run) or sum(t.kind == "bar" for t in run) >= 2
    if not joined:
        return False
    if operands == 1:
        return (
            any(t.text in ("²", "³", "√") for t in run)
            or any(t.kind == "operator" and t.text.isalpha() for t in run)
            or sum(t.kind == "bar" for t in run) >= 2  # -|-11|: an absolute value, as abs(-11)
        )
    # A lone letter beside words ("I", "a") is not a variable unless something joins it.
    return not all(t.kind == "variable" and t.text in ("I", "a", "A") for t in run if t.kind in _OPERANDS)


def _is_year_range(run: list[_Token]) -> bool:
    """ "1990-2000": two four-digit numbers joined by a dash with no space read as a span of years."""
    if len(run) != 3 or run[1].text not in ("-", "–") or run[0].end != run[1].start or run[1].end != run[2].start:
        return False
    return all(t.kind == "number" and len(t.text) == 4 for t in (run[0], run[2]))


_OPERAND = r"(?:\d+(?:\.\d+)?\s?[a-z]?|\b[a-z])(?:\^\d)?"
_POWERS = [
    (re.compile(r"\b([a-z])\s+squared\b", re.IGNORECASE), r"\1^2"),
    (re.compile(r"\b([a-z])\s+cubed\b", re.IGNORECASE), r"\1^3"),
    (
        re.compile(r"\b([a-z])\s+to\s+the\s+(?:power\s+of\s+)?(\d)(?:st|nd|rd|th)?(?:\s+power)?\b", re.IGNORECASE),
        r"\1^\2",
    ),
]
_SPOKEN_OPERATORS = {"plus": "+", "minus": "-", "times": "*", "equals": "=", "over": "/", "divided by": "/"}
_BETWEEN_OPERANDS = re.compile(
    rf"(?<![\w^])({_OPERAND})\s+(plus|minus|times|equals|over|divided by)\s+(?=({_OPERAND})(?![\w]))",
    re.IGNORECASE,
)
_NUMBER_SPACE_VARIABLE = re.compile(r"\b(\d+)\s([a-z])\b(?=\s*(?:[-+*/=^)]|$))")


def written_math(question: str) -> str:
    """Math dictated in words ("x squared minus 11 x plus 28") written in symbols ("x^2 - 11x + 28").

    A learner who dictates writes maths in words; read as words it was no expression, so
    the answer was an extract of sentences that skipped steps of the worked solution. An
    operator word is read only between operands (a number, a single letter, a power), so
    "the difference between plus and minus" stays words.

    Examples:
        >>> written_math("how do I factor x squared minus 11 x plus 28")
        'how do I factor x^2 - 11x + 28'
        >>> written_math("solve 2 x plus 3 equals 7"), written_math("x to the power of 3 minus 8")
        ('solve 2x + 3 = 7', 'x^3 - 8')
        >>> written_math("What is the difference between plus and minus?")
        'What is the difference between plus and minus?'
    """
    text = question
    for pattern, replacement in _POWERS:
        text = pattern.sub(replacement, text)
    while True:
        changed = _BETWEEN_OPERANDS.sub(lambda m: f"{m.group(1)} {_SPOKEN_OPERATORS[m.group(2).lower()]} ", text)
        if changed == text:
            break
        text = changed
    if text == question:
        return question
    return _NUMBER_SPACE_VARIABLE.sub(r"\1\2", text)


def split_question(question: str) -> QuestionParts:
    """The question's words (expressions blanked out) and its expressions, as written (dictated maths in symbols).

    Examples:
        >>> split_question("How do I factor x^2 - x - 6?")
        QuestionParts(words='How do I factor ?', expressions=('x^2 - x - 6',))
        >>> split_question("What is the slope through (1, 2) and (3, 8)?").expressions
        ('(1, 2)', '(3, 8)')
        >>> split_question("Name the numbers 3, 5 and 7 and the x-intercept.").expressions
        ()
        >>> split_question("Find every integer x with |x| = 9."), split_question("Evaluate -|-11|.").expressions
        (QuestionParts(words='Find every integer x with .', expressions=('|x| = 9',)), ('-|-11|',))
        >>> split_question("Fill in the blanks: x^2 + 14x + ___ = (x + ___)^2.").expressions
        ('x^2 + 14x + ___ = (x + ___)^2',)
        >>> split_question("Qu'est-ce que le plan cartésien ?").expressions, split_question("Simplify a-b").expressions
        ((), ('a-b',))
    """
    question = written_math(question)
    expressions: list[tuple[int, int]] = []
    for run in _runs(_tokens(question)):
        run = _trimmed(run)
        if run and _is_expression(run):
            expressions.append((run[0].start, run[-1].end))
    words, last = [], 0
    for start, end in expressions:
        words.append(question[last:start])
        last = end
    words.append(question[last:])
    return QuestionParts(" ".join(" ".join(words).split()), tuple(question[s:e] for s, e in expressions))


def _symbols(text: str) -> list[_Token]:
    """``text``'s tokens with one spelling per symbol (one minus sign, x^2 for x², lower case)."""
    text = _BLANK.sub("__", text.translate(_SPELLINGS).replace("²", "^2").replace("³", "^3").lower())
    return [_Token(m.lastgroup or "other", m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def symbols(text: str) -> list[tuple[str, str]]:
    """``text``'s symbols as (kind, text), one spelling per symbol: ``number``, ``word``, ``operator``, ``open``...

    Examples:
        >>> symbols("3x² − 1")
        [('number', '3'), ('word', 'x'), ('operator', '^'), ('number', '2'), ('operator', '-'), ('number', '1')]
    """
    return [(t.kind, t.text) for t in _symbols(text)]


def compact_symbols(text: str) -> str:
    """``text`` without spaces, in one spelling per symbol: a text that holds an expression holds this of it.

    A fast first test before ``holds_expression`` reads tokens.
    """
    return "".join(_BLANK.sub("__", text.translate(_SPELLINGS).replace("²", "^2").replace("³", "^3").lower()).split())


def holds_expression(text: str, expression: str) -> bool:
    """Whether ``text`` holds ``expression`` whole: the same symbols, spacing aside, not inside a longer one.

    "x^2 + 5x + 6 = 0" is an equation, not the trinomial asked about; "x + 28.5" does
    not hold "x + 28"; "GCF(36, 60)" holds "(36, 60)".

    Examples:
        >>> holds_expression("Problem: Factor x^2 - 11x + 28.", "x^2 −11x+28")
        True
        >>> holds_expression("1. x^2 + 5x + 6 = 0", "x^2 + 5x + 6")
        False
        >>> holds_expression("2. Expand -5(2y - 3).", "-5(2y - 3)"), holds_expression("4 - 5(2y - 3)", "-5(2y - 3)")
        (True, False)
        >>> holds_expression("Find GCF(36, 60) and (2, 3).", "(36, 60)")
        True
        >>> holds_expression("3. x^2 + 14x + ____ = (x + __)^2", "x^2 + 14x + ___ = (x + ___)^2")
        True
        >>> holds_expression("1. (3x + 2)(4x - 1)", "3x + 2"), holds_expression("4x(3x + 2) - 1", "3x + 2")
        (False, False)
        >>> holds_expression("Simplify (3x + 2).", "3x + 2"), holds_expression("(x + 1)^2", "x + 1")
        (True, False)
        >>> holds_expression("to simplify fractions: 18/24 = 3/4.", "18/24"), holds_expression("18/24 + 1", "18/24")
        (True, False)
    """
    symbols = _symbols(expression)
    wanted = [t.text for t in symbols]
    tokens = _symbols(text)
    if not wanted:
        return False
    # arithmetic set equal to its value is worked, not another problem: "18/24 = (18 ÷ 6)/(24 ÷ 6) = 3/4" simplifies
    # 18/24 (an equation in x is another problem than its expression)
    valued = not any(_letter(t) for t in symbols)
    for at in range(len(tokens) - len(wanted) + 1):
        if [t.text for t in tokens[at : at + len(wanted)]] != wanted:
            continue
        before = tokens[at - 1] if at else None
        after = tokens[at + len(wanted)] if at + len(wanted) < len(tokens) else None
        worked_out = valued and after is not None and after.text == "="
        if _continues(before, tokens[at], leading=True) or (
            not worked_out and _continues(after, tokens[at + len(wanted) - 1])
        ):
            continue
        if before is not None and after is not None and (before.kind, after.kind) == ("open", "close"):
            outer_before = tokens[at - 2] if at >= 2 else None
            outer_after = tokens[at + len(wanted) + 1] if at + len(wanted) + 1 < len(tokens) else None
            if _bracket_continues(outer_before, before, leading=True) or _bracket_continues(outer_after, after):
                continue  # "(3x + 2)(4x - 1)", "4x(3x + 2)": a factor of a longer expression
        return True
    return False


def holds_shape(text: str, expression: str) -> bool:
    """Whether ``text`` holds ``expression`` with its letters renamed, one for one: the same rule on other names.

    Asked "What is x^0?", the answer quoted "Likewise x^2 / x^5 = x^(-3)" for its x, where
    "So for any a ≠ 0: a^0 = 1" was the rule asked about. An expression without a letter
    has no other names.

    Examples:
        >>> holds_shape("So for any a ≠ 0: a^0 = 1.", "x^0"), holds_shape("Likewise x^2 / x^5", "x^0")
        (True, False)
        >>> holds_shape("(a + b)^2 = a^2 + 2ab + b^2", "(x + y)^2"), holds_shape("(a + a)^2", "(x + y)^2")
        (True, False)
        >>> holds_shape("2^0 = 1", "2^0"), holds_shape("so 5^0 = 1", "2^0")
        (False, False)
    """
    wanted = _symbols(expression)
    if not any(_letter(t) for t in wanted):
        return False
    tokens = _symbols(text)
    for at in range(len(tokens) - len(wanted) + 1):
        names: dict[str, str] = {}
        window = tokens[at : at + len(wanted)]
        if all(
            (_letter(t) and names.setdefault(w.text, t.text) == t.text) if _letter(w) else w.text == t.text
            for w, t in zip(wanted, window, strict=True)
        ) and len(set(names.values())) == len(names):
            return True
    return False


def _letter(token: _Token) -> bool:
    """A single letter: a variable's name."""
    return token.kind == "word" and len(token.text) == 1


def _bracket_continues(neighbour: _Token | None, bracket: _Token, *, leading: bool = False) -> bool:
    """Whether ``neighbour`` makes a bracketed match a factor or a term of a longer expression.

    An operator or a number does, a bracket or a letter touching it does ("(x + 1)(x - 1)",
    "2x(x + 1)"); a word does not ("Simplify (3x + 2).", "GCF(36, 60)").
    """
    if neighbour is None:
        return False
    if neighbour.kind in ("operator", "number"):
        return True
    touching = neighbour.end == bracket.start if leading else bracket.end == neighbour.start
    return touching and neighbour.kind in ("open", "close", "variable")


def _continues(neighbour: _Token | None, edge: _Token, *, leading: bool = False) -> bool:
    """Whether ``neighbour`` makes the match part of a longer expression (an operator, a number, a glued letter)."""
    if neighbour is None:
        return False
    if neighbour.kind in ("operator", "number"):
        return True
    touching = neighbour.end == edge.start if leading else edge.end == neighbour.start
    called = leading and edge.kind == "open"  # GCF(36, 60), P(3, 1)
    return neighbour.kind == "word" and touching and not called
