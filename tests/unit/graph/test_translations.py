"""Setting and removing a concept's values in one language, as a designer's form does."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rdflib import Literal, URIRef

from graph.errors import ConceptNotFound, InvalidInput, NotFound, ValidationFailed
from graph.model import Translation
from graph.repository import KnowledgeGraph
from graph.store import open_store
from graph.translations import remove_translation, set_translation
from graph.vocab import SKOS
from ingest.formats import read_text

ALGEBRA = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://example.org/alg> a skos:Concept ; skos:prefLabel "Algebra"@en ; skos:definition "Letters for numbers."@en ;
    skos:altLabel "algebra"@en ."""

GEOMETRY = """<https://example.org/g> a <http://www.w3.org/2004/02/skos/core#Concept> ;
    <http://www.w3.org/2004/02/skos/core#prefLabel> "Geometría"@es ."""


def labels(kg: KnowledgeGraph, iri: str) -> list[str]:
    return sorted(o.n3() for o in kg.export_graph().objects(URIRef(iri), SKOS.prefLabel))


class TestSetTranslation:
    def test_creates_then_replaces_one_language_and_keeps_the_others(self, kg: KnowledgeGraph) -> None:
        set_translation(kg, "add", Translation("es-mx", "Suma", "Juntar.", ("adición",)))
        set_translation(kg, "add", Translation("fr", "Addition (fr)"))
        concept = set_translation(kg, "add", Translation("ES-MX", "Suma", "", ()), keep_alt_labels=True)
        assert concept.label == "Addition"  # the concept's own label is no translation
        assert kg.translations(["add"]) == [
            [Translation("es-MX", "Suma", "", ("adición",)), Translation("fr", "Addition (fr)")]
        ]
        assert kg.concept("add").alt_labels == ("adición",)  # every language's, as the model reads them
        assert kg.list_concepts(first=5, search="suma").ids == ["add"]

    def test_alternative_labels_given_replace_the_languages(self, kg: KnowledgeGraph) -> None:
        set_translation(kg, "sub", Translation("es", "Resta", alt_labels=("menos", "quitar")))
        set_translation(kg, "sub", Translation("es", "Resta", alt_labels=("sustracción",)))
        assert kg.translations(["sub"])[0][0].alt_labels == ("sustracción",)
        assert kg.concept("sub").alt_labels == ("minus", "sustracción")

    def test_every_problem_at_once_and_nothing_written(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(ValidationFailed) as caught:
            set_translation(kg, "add", Translation("es_MX", "Suma\nalta", "\u202e", ("",)))
        assert len(caught.value.problems) == 4
        assert caught.value.field is None
        assert "did you mean 'es-MX'?" in caught.value.problems[0]
        assert kg.translations(["add"]) == [[]]

    def test_a_blank_label_names_its_field(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(ValidationFailed) as caught:
            set_translation(kg, "add", Translation("es", "\u200b"))
        assert (caught.value.field, caught.value.problems) == ("label", ["concept 'add' in 'es' has an empty label"])

    def test_an_unknown_concept_names_its_field(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(ConceptNotFound) as caught:
            set_translation(kg, "nope", Translation("es", "X"))
        assert caught.value.field == "conceptId"

    def test_the_concepts_own_language_is_refused_naming_update_concept(self) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(read_text(ALGEBRA, "turtle"))
        with pytest.raises(ValidationFailed) as caught:
            set_translation(kg, "https://example.org/alg", Translation("EN", "Algebra I"))
        assert caught.value.field == "language"
        assert "shows its own label and definition in 'en'" in caught.value.message
        assert "updateConcept" in caught.value.message
        assert labels(kg, "https://example.org/alg") == ['"Algebra"@en']

    def test_a_language_shown_before_the_concepts_own_keeps_the_label_it_shows(self) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(read_text(GEOMETRY, "turtle"))
        set_translation(kg, "https://example.org/g", Translation("en", "Geometry"))
        assert kg.concept("https://example.org/g").label == "Geometría"  # not the English one added
        assert [t.language for t in kg.translations(["https://example.org/g"])[0]] == ["en", "es"]

    def test_the_own_label_and_its_copy_change_together_and_stay_the_own_language(self) -> None:
        # Its untagged copy was read as the concept's own label afterwards: updateConcept renamed the copy
        # alone (Spanish readers kept "Geometría"), and a "translation" in Spanish was accepted.
        g = "https://example.org/g"
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(read_text(GEOMETRY, "turtle"))
        set_translation(kg, g, Translation("en", "Geometry"))
        kg.update_concept(replace(kg.concept(g), label="Geometría plana"))
        assert labels(kg, g) == ['"Geometry"@en', '"Geometría plana"', '"Geometría plana"@es']
        assert kg.translations([g])[0][1] == Translation("es", "Geometría plana")
        with pytest.raises(ValidationFailed, match="shows its own label in 'es'"):
            set_translation(kg, g, Translation("es", "Geometría (otra)"))
        remove_translation(kg, g, "en")
        assert labels(kg, g) == ['"Geometría plana"@es'], "shown first again: no copy"


class TestRemoveTranslation:
    def test_removes_the_label_definition_and_alternative_labels_of_one_language(self, kg: KnowledgeGraph) -> None:
        set_translation(kg, "add", Translation("es", "Suma", "Juntar.", ("adición",)))
        set_translation(kg, "add", Translation("fr", "Addition (fr)"))
        concept = remove_translation(kg, "add", "ES")
        assert concept.alt_labels == ()
        assert kg.translations(["add"]) == [[Translation("fr", "Addition (fr)")]]

    def test_a_language_without_values_is_not_found(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(NotFound) as caught:
            remove_translation(kg, "add", "de")
        assert (caught.value.field, caught.value.message) == (
            "language",
            "translation in 'de' of concept 'add' does not exist",
        )

    def test_a_malformed_tag_and_the_own_language_are_invalid(self) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(read_text(ALGEBRA, "turtle"))
        for language in ("english", "en"):
            with pytest.raises(InvalidInput) as caught:
                remove_translation(kg, "https://example.org/alg", language)
            assert caught.value.field == "language"
        assert labels(kg, "https://example.org/alg") == ['"Algebra"@en']


class TestOnOxigraph:
    def test_tags_the_store_keeps_in_lower_case_read_canonical_and_compare_equal(self, ox_kg: KnowledgeGraph) -> None:
        # Oxigraph stores "es-MX" as "es-mx"; the API said "es-mx" while materials said "es-MX".
        set_translation(ox_kg, "add", Translation("es-MX", "Suma"))
        assert [t.language for t in ox_kg.translations(["add"])[0]] == ["es-MX"]
        set_translation(ox_kg, "add", Translation("es-mx", "Suma 2"))
        assert ox_kg.translations(["add"]) == [[Translation("es-MX", "Suma 2")]]
        remove_translation(ox_kg, "add", "ES-MX")
        assert ox_kg.translations(["add"]) == [[]]


class TestUpdateConceptKeepsTheLanguage:
    def test_a_label_stored_only_in_english_changes_in_english(self) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(read_text(ALGEBRA, "turtle"))
        set_translation(kg, "https://example.org/alg", Translation("es", "Álgebra"))
        concept = kg.concept("https://example.org/alg")
        kg.update_concept(replace(concept, label="Algebra I"))
        assert labels(kg, "https://example.org/alg") == ['"Algebra I"@en', '"Álgebra"@es']
        stored = set(kg.export_graph().objects(URIRef("https://example.org/alg"), SKOS.definition))
        assert stored == {Literal("Letters for numbers.", lang="en")}


@pytest.mark.parametrize(
    ("tag", "hint"),
    [
        ("sp", "did you mean 'es'?"),
        ("eng", "did you mean 'en'?"),
        ("zz", "is no ISO 639 language code"),
        ("jp-JP", "did you mean 'ja-JP'?"),
    ],  # fmt: skip
)
def test_a_tag_of_the_right_shape_that_names_no_language_is_refused(kg: KnowledgeGraph, tag: str, hint: str) -> None:
    # "sp" for Spanish was stored, and label(language: "es") never found it; "eng" slipped past the own-language check.
    with pytest.raises(ValidationFailed) as caught:
        set_translation(kg, "add", Translation(tag, "Suma"))
    assert hint in caught.value.problems[0]
    assert kg.translations(["add"]) == [[]]
