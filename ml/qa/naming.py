"""Which concepts a question names by their whole label ("slope" in "How do I find the slope of a line?").

Built once per set of labels (a curriculum of thousands of concepts read every label
for every question: 22 ms for 10,000), then each question reads only the concepts
sharing a word, or a word's family, with it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from graph.model import Material, MaterialType
from ml.qa.bm25 import tokenize
from ml.qa.extract import first_if_close, related_word, word_root
from ml.qa.index import Hit

__all__ = ["ConceptNames", "named_concept_first"]


class ConceptNames:
    """Concept labels, indexed by the first four letters of each word's root.

    Examples:
        >>> names = ConceptNames({"slope": "Slope", "psf": "Point-Slope Form", "sif": "Slope-Intercept Form"})
        >>> names.named_in("How do I find the slope of a line?")
        {'slope'}
        >>> names.named_in("slopes and the slope-intercept form"), names.named_in("what is a line")
        ({'sif'}, set())
        >>> ConceptNames({}).named_in("slope")
        set()
        >>> ConceptNames({"sub": "Subtracting Integers"}, {"sub": ["subtracting negative numbers"]}).named_in(
        ...     "how do I subtract negative numbers")
        {'sub'}
    """

    def __init__(self, labels: Mapping[str, str], aliases: Mapping[str, Sequence[str]] | None = None) -> None:
        self.labels = dict(labels)
        self._aliases = _unambiguous(labels, aliases or {})  # lower-cased other name -> its concept
        self._aliases_by_word: dict[str, list[str]] = {}  # an alias's first term -> the aliases holding it
        for alias in self._aliases:
            terms = tokenize(alias)
            self._aliases_by_word.setdefault(terms[0] if terms else "", []).append(alias)
        # every name of a concept, its label and its other names, as the words it is read by
        self._names = [(c, frozenset(tokenize(label))) for c, label in labels.items()]
        self._names += [(c, frozenset(tokenize(alias))) for alias, c in self._aliases.items()]
        self._names = [(c, words) for c, words in self._names if words]
        self._names_of: dict[str, list[int]] = {}  # a name's word -> the names holding it
        for at, (_, words) in enumerate(self._names):
            for word in words:
                self._names_of.setdefault(word, []).append(at)
        self._by_stem: dict[str, list[str]] = {}  # the first four letters of a root -> the name words with it
        for word in self._names_of:
            self._by_stem.setdefault(word_root(word)[:4], []).append(word)

    def named_in(self, question: str) -> set[str]:
        """The concepts ``question`` names by their whole label (words of one family count), the most specific only.

        Of Slope and Slope-Intercept Form, both named, the longer label is the one asked about.
        A concept's other names name it too ("how do I subtract negative numbers" names
        Subtracting Integers, whose alternative label is "subtracting negative numbers": it
        was answered with the rules for adding integers).
        """
        asked = set(tokenize(question))
        roots = {word_root(t) for t in asked}
        matched = {
            w for r in roots for w in self._by_stem.get(r[:4], ()) if w in asked or related_word(w, roots)
        }  # words of one family share their first four letters
        found = Counter(at for w in matched for at in self._names_of[w])
        named = [at for at, n in found.items() if n == len(self._names[at][1])]
        most = max((found[at] for at in named), default=0)
        return {self._names[at][0] for at in named if found[at] == most}

    def read_by_label(self, question: str) -> tuple[str, dict[str, str]]:
        """``question`` with each other name of a concept it uses read as its label, and what was read as what.

        "What is BODMAS?" was declined as off the topic ("they never use BODMAS"), where
        BODMAS is an alternative label of Order of Operations; "what does PEMDAS mean"
        found too little to answer. An other name shared by two concepts is read as neither.

        Examples:
            >>> names = ConceptNames({"ops": "Order of Operations", "slope": "Slope"}, {"ops": ["BODMAS", "PEMDAS"],
            ...     "slope": ["rise over run", "gradient"]})
            >>> names.read_by_label("What is bodmas?")
            ('What is Order of Operations?', {'bodmas': 'Order of Operations'})
            >>> names.read_by_label("Is rise over run the gradient?")[0], names.read_by_label("a rise")[1]
            ('Is Slope the Slope?', {})
        """
        asked = set(tokenize(question))
        candidates = [
            alias
            for term in (*asked, "")
            for alias in self._aliases_by_word.get(term, ())
            if set(tokenize(alias)) <= asked
        ]
        if not candidates:
            return question, {}
        longest_first = sorted(set(candidates), key=lambda a: (-len(a), a))
        pattern = re.compile(
            r"(?<![^\W_])(?:" + "|".join(re.escape(a) for a in longest_first) + r")(?![^\W_])", re.IGNORECASE
        )
        replaced: dict[str, str] = {}

        def label_of(found: re.Match[str]) -> str:
            label = self.labels[self._aliases[found.group(0).lower()]]
            replaced[found.group(0)] = label
            return label

        return pattern.sub(label_of, question), replaced


def _unambiguous(labels: Mapping[str, str], aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Each other name (lower case) that names one concept alone, and is no concept's label, with that concept."""
    own = {label.lower() for label in labels.values()}
    named: dict[str, set[str]] = {}
    for concept, names in aliases.items():
        if concept in labels:
            for name in names:
                if name.strip() and name.lower() not in own:
                    named.setdefault(name.strip().lower(), set()).add(concept)
    return {name: next(iter(concepts)) for name, concepts in named.items() if len(concepts) == 1}


def named_concept_first(
    hits: Sequence[Hit], question: str, names: ConceptNames, known: Mapping[str, Material], within: float = 0.8
) -> list[Hit]:
    """First, the best explanation or example teaching the concept the question names, when it scores nearly as well.

    "How do I find the slope of a line?" was answered from point-slope form (3.76), whose
    passage holds "find", "slope" and "line", where the worked example of Slope scored
    3.42: a question naming a concept by its label asks about that concept, not one whose
    label holds more words. A hit well behind keeps its place. ``known``: the hits' materials.
    """
    named = names.named_in(question) if hits else set()
    if not named:
        return list(hits)

    def teaches(hit: Hit) -> bool:
        m = known.get(hit.chunk.material)
        return m is not None and m.type is not MaterialType.EXERCISE and bool(named & set(m.teaches))

    return first_if_close(hits, teaches, within)
