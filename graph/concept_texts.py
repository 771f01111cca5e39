"""A concept's labels and definitions in every language: which one is shown, and what a write stores.

A concept shows one label and one definition (``Concept.label``): the untagged value,
else English, else the first language by tag. The others are its translations, stored
as language-tagged literals (``"Pendiente"@es``). A concept whose label comes tagged and
alone (``"Algebra"@en``) keeps its tag: the label it shows is its English one.

``written_texts`` says what a write of a concept stores for its ``skos:prefLabel``,
``skos:definition`` and ``skos:altLabel``, so that every write (an import, ``updateConcept``,
a translation set or removed) keeps the same rules: the label shown stays what the write
says it is, and a language's values change only where the write names that language.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace

from rdflib import Literal, URIRef
from rdflib.term import Node

from graph.accessibility import canonical_language
from graph.model import Concept, Translation
from graph.vocab import PW, SKOS

__all__ = [
    "OWN_LANGUAGE",
    "SHOWN_PREDICATES",
    "TEXT_PREDICATES",
    "TextValue",
    "group_translations",
    "language_key",
    "own_language",
    "own_language_of",
    "preference",
    "same_language",
    "shown",
    "text_preference",
    "translation_origin",
    "written_texts",
]

SHOWN_PREDICATES: Mapping[URIRef, str] = {SKOS.prefLabel: "label", SKOS.definition: "definition"}
"""The predicates of which a concept shows one value, by the ``Concept`` field it fills."""
OWN_LANGUAGE = PW.ownLanguage
"""Where a concept's own label is stored tagged and also untagged (another language would be shown before
it): the tag that copy is in. Without it, the next write read the copy as the concept's own, untagged,
label and the tagged one as a translation: ``updateConcept`` changed the copy alone and the French label
that French readers got stayed as it was."""
TEXT_PREDICATES = frozenset({SKOS.prefLabel, SKOS.definition, SKOS.altLabel, OWN_LANGUAGE})
"""Every predicate of a concept's texts, in any language (and the marker of its own language's copy)."""

TextValue = tuple[URIRef, Literal]
"""One of a concept's texts: its predicate and its literal."""


def language_key(tag: str | None) -> str:
    """A language tag as tags compare: without case (RDF's rule; Oxigraph stores them in lower case).

    Examples:
        >>> language_key("es-MX") == language_key("es-mx"), language_key(None)
        (True, '')
    """
    return (tag or "").lower()


def preference(value: Node) -> tuple[int, str, str]:
    """How a value ranks for being shown: untagged first, then English, then by tag (any case), then by text.

    Examples:
        >>> sorted([Literal("Brüche", lang="de"), Literal("Fractions", lang="en")], key=preference)[0]
        rdflib.term.Literal('Fractions', lang='en')
    """
    return text_preference(value.language if isinstance(value, Literal) else None, str(value))


def text_preference(language: str | None, text: str) -> tuple[int, str, str]:
    """``preference`` of a text and its tag (``None`` or "": untagged), for rows read as text.

    Examples:
        >>> min([("Pendiente", "es"), ("Slope", "")], key=lambda r: text_preference(r[1], r[0]))
        ('Slope', '')
    """
    key = language_key(language)
    rank = 0 if not key else 1 if key.split("-")[0] == "en" else 2
    return rank, key, text


def shown(values: Iterable[Node]) -> Node | None:
    """The value a concept shows of several (``preference``), or ``None`` when there is none."""
    return min(values, key=preference, default=None)


def own_language(values: Iterable[Node]) -> str | None:
    """The tag of the value shown, when no value is untagged: the language the concept's own value is in.

    Examples:
        >>> own_language([Literal("Geometría", lang="es"), Literal("Géométrie", lang="fr")])
        'es'
        >>> own_language([Literal("Geometry"), Literal("Géométrie", lang="fr")]) is None
        True
    """
    top = shown(values)
    return top.language if isinstance(top, Literal) and top.language else None


def own_language_of(texts: Iterable[tuple[Node, Node]]) -> str | None:
    """The language of a concept's own label from its stored ``(predicate, value)`` texts.

    The ``OWN_LANGUAGE`` marker where an untagged copy keeps the label shown, else the
    tag of the label shown when no label is untagged (``own_language``).

    Examples:
        >>> copy = [(SKOS.prefLabel, Literal("Pente")), (SKOS.prefLabel, Literal("Pente", lang="fr-CA")),
        ...         (SKOS.prefLabel, Literal("Slope", lang="en")), (OWN_LANGUAGE, Literal("fr-CA"))]
        >>> own_language_of(copy), own_language_of(copy[:3])
        ('fr-CA', None)
    """
    pairs = list(texts)
    declared = next((str(o) for p, o in pairs if p == OWN_LANGUAGE), None)
    if declared:
        return declared
    return own_language(o for p, o in pairs if p == SKOS.prefLabel)


def group_translations(rows: Iterable[tuple[str, str, str]]) -> list[Translation]:
    """``(field, language, text)`` rows as one ``Translation`` per language, by tag in its canonical case.

    ``field`` is ``label``, ``definition`` or ``alt_labels``. Tags that differ only in
    case are one language (a store may hold ``es-mx``); of several labels (or
    definitions) in one language the first by text is kept.

    Examples:
        >>> rows = [("label", "es-mx", "Pendiente"), ("alt_labels", "ES-MX", "inclinación"), ("label", "fr", "Pente")]
        >>> [(t.language, t.label, t.alt_labels) for t in group_translations(rows)]
        [('es-MX', 'Pendiente', ('inclinación',)), ('fr', 'Pente', ())]
    """
    found: dict[str, Translation] = {}
    for field, language, text in sorted(rows, key=lambda r: (language_key(r[1]), r[0], r[2])):
        tag = canonical_language(language) or language
        current = found.setdefault(language_key(tag), Translation(tag))
        if field == "alt_labels":
            if text not in current.alt_labels:
                found[language_key(tag)] = replace(current, alt_labels=(*current.alt_labels, text))
        elif field == "label" and not current.label:
            found[language_key(tag)] = replace(current, label=text)
        elif field == "definition" and not current.definition:
            found[language_key(tag)] = replace(current, definition=text)
    return [found[k] for k in sorted(found)]


def _tagged(text: str, language: str) -> Literal:
    return Literal(text, lang=canonical_language(language) or language)


def written_texts(
    concept: Concept,
    translations: Iterable[Translation] = (),
    stored: Iterable[tuple[Node, Node]] = (),
    *,
    whole: bool = True,
    own: Mapping[str, str] | None = None,
    unstated: Collection[str] = (),
    restated: bool = True,
    own_alt_labels: bool = False,
    stated_own: str | None = None,
) -> set[TextValue]:
    """The label, definition and alternative label literals a write of ``concept`` leaves stored.

    A concept's own label is its untagged one, or, when it has none, the one it shows: its
    tag is then the concept's own language (``"Algebra"@en``, given alone by an RDF file).
    Its own definition is the untagged one, or the one in its own language. The other
    tagged values are translations; a concept with no definition of its own shows one of
    theirs.

    Args:
        concept: the concept's own values as the write states them (its ``alt_labels``
            hold every language's, as the model reads them).
        translations: the languages the write names, each with its values (an empty
            value: none in that language).
        stored: the concept's stored ``(predicate, literal)`` texts (a new concept: none).
        whole: the write states every language (an RDF description with another language's
            label or definition): stored ones it does not name go (stored alternative labels
            stay where ``unstated`` names them, while the concept lists them). Otherwise (a
            CSV file, ``updateConcept``, a translation, a description without other
            languages) they stay, and the stored own language's label and definition are
            the concept's to change: a translation in that language does not change them.
        own: with ``whole``, the language the source gives the concept's own label or
            definition in (``{"label": "en"}`` for ``"Algebra"@en`` alone).
        unstated: the translation fields (``label``, ``definition``, ``alt_labels``) the
            write says nothing about: each named language keeps its stored values of them.
        restated: whether the write states the concept's own values (an import's row,
            ``updateConcept``); a translation alone does not, and leaves them as they are.
        stated_own: without ``whole``, the language the source gives the concept's own label
            and definition in ("" untagged: a CSV row's ``language`` cell), over what is stored.
        own_alt_labels: the concept's ``alt_labels`` are its own language's alone (a batch's
            concept: a CSV row, a CASE item, an RDF description), so another language's stored
            ones stay unless ``translations`` names that language.

    Returns:
        ``(predicate, literal)`` pairs. The concept's label and definition are stored as
        its own: in its own language when it has one (also untagged when another language
        would be shown before it), else untagged. A definition that only repeats the
        translation it would show anyway is not stored again untagged. An alternative
        label is stored with the tag it is given or stored with, untagged only when it has none.

    Examples:
        >>> algebra = Concept("a", "Algebra", alt_labels=("algebra", "álgebra"))
        >>> spanish = Translation("es", "Álgebra", alt_labels=("álgebra",))
        >>> sorted(o.n3() for _, o in written_texts(algebra, [spanish], own={"label": "en"}))
        ['"Algebra"@en', '"algebra"', '"Álgebra"@es', '"álgebra"@es']
        >>> stored = [(SKOS.prefLabel, Literal("Algebra", lang="en")), (SKOS.prefLabel, Literal("Álgebra", lang="es"))]
        >>> renamed = Concept("a", "Algebra I")
        >>> sorted(o.n3() for _, o in written_texts(renamed, stored=stored, whole=False))
        ['"Algebra I"@en', '"Álgebra"@es']
    """
    named = {language_key(t.language): t for t in translations}
    values_of: dict[Node, list[Literal]] = {p: [] for p in TEXT_PREDICATES}
    for p, o in stored:  # a whole write reads the stored alternative labels only where it says nothing of them
        if (
            isinstance(o, Literal)
            and p in values_of
            and (not whole or (p == SKOS.altLabel and "alt_labels" in unstated))
        ):
            values_of[p].append(o)
    declared_before = next(map(str, values_of[OWN_LANGUAGE]), None)
    declared = stated_own if stated_own is not None else declared_before
    if whole:
        own_tag = None
    elif declared is not None:
        own_tag = declared or None
    else:
        own_tag = own_language_of((SKOS.prefLabel, o) for o in values_of[SKOS.prefLabel])
    out: set[TextValue] = set()
    copied: str | None = None
    for predicate, field in SHOWN_PREDICATES.items():
        values = values_of[predicate]
        mine_key = language_key((own or {}).get(field)) if whole else language_key(own_tag)
        stated = {} if field in unstated else {k: t for k, t in named.items() if k != mine_key}
        mine: str | None
        if whole:
            mine = (own or {}).get(field, "")
        elif declared is not None:
            mine = declared  # the label's language is the definition's: a copy of each keeps it shown
        else:
            mine = _own_tag(field, values, own_tag)
        kept = [
            o
            for o in values
            if o.language and language_key(o.language) not in stated and not (mine and same_language(o.language, mine))
        ]
        tagged = kept + [_tagged(getattr(t, field), t.language) for t in stated.values() if getattr(t, field)]
        out.update((predicate, o) for o in tagged)
        text = getattr(concept, field)
        if not text:
            continue
        if mine is None:  # no value of its own: it shows a translation's, if any
            top = shown(tagged)
            if restated and (top is None or str(top) != text):
                out.add((predicate, Literal(text)))
            continue
        if mine:
            tagged_mine = _tagged(text, mine)
            out.add((predicate, tagged_mine))
            if shown([*tagged, tagged_mine]) == tagged_mine:
                continue  # another language would be shown first: an untagged copy keeps this one shown
            copied = mine
        out.add((predicate, Literal(text)))
    if copied:  # the copy is the concept's own label in that language, not a label of its own
        out.add((OWN_LANGUAGE, Literal(canonical_language(copied) or copied)))
    if own_alt_labels:
        alt_own: str | None = (own or {}).get("label", "") if whole else (own_tag or "")
        stored_own = declared_before or own_language_of((SKOS.prefLabel, o) for o in values_of[SKOS.prefLabel]) or ""
    else:
        alt_own, stored_own = None, None
    only = own_alt_labels and (whole or stated_own is not None)
    out.update(_alt_labels(concept, named, values_of[SKOS.altLabel], unstated, alt_own, stored_own, only))
    return out


def same_language(a: str | None, b: str | None) -> bool:
    """Whether two language tags name one language (``EN`` and ``en``; no tag and no tag)."""
    return language_key(a) == language_key(b)


def _own_tag(field: str, values: list[Literal], own_tag: str | None) -> str | None:
    """How a stored concept's own ``field`` is stored: "" untagged, a tag, ``None``: it has none of its own."""
    if any(not o.language for o in values):
        return ""
    if own_tag and (field == "label" or any(same_language(o.language, own_tag) for o in values)):
        return own_tag
    return "" if field == "label" else None


def _alt_labels(
    concept: Concept,
    named: Mapping[str, Translation],
    values: list[Literal],
    unstated: Collection[str],
    own: str | None = None,
    stored_own: str | None = None,
    own_list_only: bool = False,
) -> set[TextValue]:
    """The alternative labels a write leaves: each named language's as given, the rest as stored or the concept's.

    Without ``own``, ``concept.alt_labels`` lists every language's (``updateConcept``): a stored
    tagged one stays while the list names it (leaving it out removes it), and one stored
    tagged in a language the write names is that language's to keep or drop.

    With ``own`` (the concept's own language, "" untagged: a CSV row, a CASE item, an RDF
    description), the list is that language's alone: another language's stored ones stay
    unless the write names the language, and the list's are written in the own language
    (tagged when it is: ``"fois"@fr-CA``, where they were stored untagged). ``stored_own``
    is the own language the stored values were written in (a CSV ``language`` cell may
    change it: the old language's stay as they are). ``own_list_only``: the list cannot hold
    another language's (an RDF description's own, a CSV file with the ``language`` column, as
    exports write it since), so one spelt like a translation's in the same write is the
    concept's too; else (a ``concepts.csv`` exported before, listing every language's) it is
    taken for that translation's.

    Either way the concept's own alternative label stays its own when another language has
    one spelt alike ("plus" in English and French): it was taken from the English.
    """
    own_mode = own is not None
    before = language_key(stored_own if own_mode else None)

    def theirs(o: Literal) -> bool:  # stored in another language than the concept's own
        return bool(o.language) and language_key(o.language) != before

    stated = {} if "alt_labels" in unstated else named
    if own_mode:  # the own language's are the list's, whatever a row in that language says
        stated = {k: t for k, t in stated.items() if k != language_key(own)}
    kept = [
        o
        for o in values
        if theirs(o) and language_key(o.language) not in stated and (own_mode or str(o) in concept.alt_labels)
    ]
    tagged = kept + [_tagged(a, t.language) for t in stated.values() for a in t.alt_labels]
    own_before = {str(o) for o in values if not theirs(o)}
    others = {str(o) for o in values if theirs(o)}
    if not own_list_only:
        others |= {str(o) for o in tagged}
    out = {(SKOS.altLabel, o) for o in tagged}
    for alt in concept.alt_labels:
        if alt in own_before or alt not in others:  # another language's, listed by an export of every language's
            out.add((SKOS.altLabel, _tagged(alt, own) if own else Literal(alt)))
    return out


def translation_origin(concept: str, language: str) -> tuple[str, str]:
    """The key a batch's ``origins`` give a translation's source line under.

    Examples:
        >>> translation_origin("slope", "es-MX")
        ('translation', 'slope@es-mx')
    """
    return "translation", f"{concept}@{language_key(language)}"
