"""Which label a concept shows, and what a write of its texts stores in each language."""

from __future__ import annotations

from rdflib import Literal
from rdflib.term import Node

from graph.concept_texts import OWN_LANGUAGE, group_translations, own_language, written_texts
from graph.model import Concept, Translation
from graph.translation_conflicts import changed_translations
from graph.vocab import SKOS

LABEL, DEFINITION, ALT = SKOS.prefLabel, SKOS.definition, SKOS.altLabel


def texts(found: set[tuple[Node, Literal]]) -> list[str]:
    short = {LABEL: "label", DEFINITION: "definition", ALT: "alt", OWN_LANGUAGE: "own"}
    return sorted(f"{short[p]} {o.n3()}" for p, o in found)  # type: ignore[index]


class TestOwnLanguage:
    def test_an_untagged_value_has_no_language(self) -> None:
        assert own_language([Literal("Slope"), Literal("Pendiente", lang="es")]) is None

    def test_english_before_other_languages_whatever_the_case(self) -> None:
        assert own_language([Literal("Brüche", lang="DE"), Literal("Fractions", lang="en-GB")]) == "en-GB"


class TestGroupTranslations:
    def test_tags_in_any_case_are_one_language_in_its_canonical_case(self) -> None:
        rows = [("label", "es-mx", "Pendiente"), ("definition", "ES-MX", "Qué tanto sube."), ("label", "fr", "Pente")]
        assert group_translations(rows) == [
            Translation("es-MX", "Pendiente", "Qué tanto sube."),
            Translation("fr", "Pente"),
        ]


class TestWrittenTexts:
    def test_a_new_concept_is_stored_untagged_with_its_translations(self) -> None:
        found = written_texts(Concept("s", "Slope", alt_labels=("gradient",)), [Translation("es", "Pendiente")])
        assert texts(found) == ['alt "gradient"', 'label "Pendiente"@es', 'label "Slope"']

    def test_a_label_given_only_tagged_keeps_its_tag(self) -> None:
        # "Algebra"@en alone was stored as "Algebra": labelLanguage then said nothing.
        found = written_texts(Concept("a", "Algebra"), [Translation("en", "Algebra")], own={"label": "en"})
        assert texts(found) == ['label "Algebra"@en']

    def test_a_changed_label_stays_in_the_language_it_was_in(self) -> None:
        stored = [(LABEL, Literal("Algebra", lang="en")), (LABEL, Literal("Álgebra", lang="es"))]
        found = written_texts(Concept("a", "Algebra I"), stored=stored, whole=False)
        assert texts(found) == ['label "Algebra I"@en', 'label "Álgebra"@es']

    def test_a_language_shown_first_gets_an_untagged_copy_so_the_label_shown_stays(self) -> None:
        # A Spanish-only concept given English: the label shown stays the Spanish one.
        stored = [(LABEL, Literal("Geometría", lang="es"))]
        found = written_texts(Concept("g", "Geometría"), [Translation("en", "Geometry")], stored, whole=False)
        assert texts(found) == ['label "Geometry"@en', 'label "Geometría"', 'label "Geometría"@es', 'own "es"']

    def test_the_copy_stays_the_own_languages_through_later_writes(self) -> None:
        # The copy was read as the concept's own untagged label next time: updateConcept renamed the copy
        # alone, and Spanish readers kept the old label.
        stored = [(LABEL, Literal("Geometry", lang="en")), (LABEL, Literal("Geometría")),
                  (LABEL, Literal("Geometría", lang="es")), (OWN_LANGUAGE, Literal("es"))]  # fmt: skip
        found = written_texts(Concept("g", "Geometría plana"), stored=stored, whole=False)
        assert texts(found) == [
            'label "Geometry"@en', 'label "Geometría plana"', 'label "Geometría plana"@es', 'own "es"'
        ]  # fmt: skip
        without_english = [t for t in stored if str(t[1]) != "Geometry"]
        found = written_texts(Concept("g", "Geometría"), stored=without_english, whole=False)
        assert texts(found) == ['label "Geometría"@es'], "shown first again: the copy and its marker go"

    def test_a_write_that_names_some_languages_keeps_the_others(self) -> None:
        stored = [
            (LABEL, Literal("Slope")),
            (LABEL, Literal("Pendiente", lang="es")),
            (LABEL, Literal("Pente", lang="fr")),
        ]
        found = written_texts(Concept("s", "Slope"), [Translation("ES", "Inclinación")], stored, whole=False)
        assert texts(found) == ['label "Inclinación"@es', 'label "Pente"@fr', 'label "Slope"']

    def test_a_document_that_states_every_language_replaces_them(self) -> None:
        stored = [(LABEL, Literal("Pente", lang="fr"))]
        found = written_texts(Concept("s", "Slope"), [Translation("es", "Pendiente")], stored, whole=True)
        assert texts(found) == ['label "Pendiente"@es', 'label "Slope"']

    def test_an_exported_row_of_the_own_language_lets_the_concepts_label_decide(self) -> None:
        # concepts.csv renamed the label; translations.csv still carries the exported English row.
        stored = [(LABEL, Literal("Algebra", lang="en"))]
        found = written_texts(Concept("a", "Algebra I"), [Translation("en", "Algebra")], stored, whole=False)
        assert texts(found) == ['label "Algebra I"@en']

    def test_an_unstated_field_keeps_each_named_languages_stored_value(self) -> None:
        stored = [(LABEL, Literal("Slope")), (DEFINITION, Literal("Qué tanto sube.", lang="es"))]
        found = written_texts(
            Concept("s", "Slope"), [Translation("es", "Pendiente")], stored, whole=False, unstated=("definition",)
        )
        assert texts(found) == ['definition "Qué tanto sube."@es', 'label "Pendiente"@es', 'label "Slope"']

    def test_alternative_labels_keep_their_language_and_leave_with_it(self) -> None:
        stored = [(ALT, Literal("slope")), (ALT, Literal("pendiente", lang="es")), (ALT, Literal("pente", lang="fr"))]
        concept = Concept("s", "Slope", alt_labels=("pendiente", "pente", "slope"))
        kept = written_texts(concept, stored=stored, whole=False)
        assert texts(kept) == ['alt "pendiente"@es', 'alt "pente"@fr', 'alt "slope"', 'label "Slope"']
        # the Spanish ones replaced: the old one does not come back untagged from the concept's list
        spanish = written_texts(
            concept, [Translation("es", "Pendiente", alt_labels=("inclinación",))], stored, whole=False
        )
        assert 'alt "pendiente"' not in texts(spanish)
        assert 'alt "inclinación"@es' in texts(spanish)

    def test_a_definition_shown_from_a_translation_is_not_copied_as_the_concepts_own(self) -> None:
        # No definition of its own: it shows the Spanish one, which stays a translation.
        stored = [(LABEL, Literal("Slope")), (DEFINITION, Literal("Qué tanto sube.", lang="es"))]
        read_back = Concept("s", "Slope 2", "Qué tanto sube.")  # updateConcept changing the label
        assert texts(written_texts(read_back, stored=stored, whole=False)) == [
            'definition "Qué tanto sube."@es',
            'label "Slope 2"',
        ]
        # a new Spanish definition: the old one does not stay behind as the concept's own
        spanish = [Translation("es", "Pendiente", "Cuánto sube.")]
        alone = written_texts(Concept("s", "Slope", "Qué tanto sube."), spanish, stored, whole=False, restated=False)
        assert texts(alone) == ['definition "Cuánto sube."@es', 'label "Pendiente"@es', 'label "Slope"']

    def test_a_translation_in_the_concepts_own_language_does_not_change_its_label(self) -> None:
        stored = [(LABEL, Literal("Algebra", lang="en")), (DEFINITION, Literal("Letters.", lang="en"))]
        found = written_texts(
            Concept("a", "Algebra", "Letters."),
            [Translation("en", "Other", "Other.", ("alg",))],
            stored,
            whole=False,
            restated=False,
        )
        assert texts(found) == ['alt "alg"@en', 'definition "Letters."@en', 'label "Algebra"@en']


class TestChangedTranslations:
    def test_the_same_values_again_and_a_new_language_are_no_change(self) -> None:
        stored = [Translation("es-MX", "Pendiente", alt_labels=("a", "b"))]
        given = [Translation("es-mx", "Pendiente", alt_labels=("b", "a")), Translation("fr", "Pente")]
        assert changed_translations("slope", given, stored) == []

    def test_a_changed_value_names_what_is_stored_and_where_it_came_from(self) -> None:
        origins = {("translation", "slope@es"): "translations.csv:line 3"}
        [problem] = changed_translations(
            "slope", [Translation("es", "Pendiente", "Nueva.")], [Translation("es", "Pendiente")], origins=origins
        )
        assert problem == (
            "translations.csv:line 3: translation 'es' of concept 'slope' is stored with definition none: "
            "pass --replace (replaceExisting) to change it"
        )
