"""translations.csv: a concept's values in each language, read and written with the rest of the layout."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from graph.errors import DanglingReferences, ValidationFailed
from graph.model import Translation
from graph.repository import KnowledgeGraph
from graph.store import open_store
from graph.translations import set_translation
from graph.vocab import SKOS
from ingest.csv_layout import bundle_to_csv, parse_curriculum_csv, read_curriculum_csv, write_curriculum_csv
from ingest.errors import MalformedInput
from ingest.formats import read_text

HEADER = "concept,language,label,definition,alt_labels\n"
TAGGED = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@base <https://w3id.org/pathwise/id/concept/> .
<add> a skos:Concept ; skos:prefLabel "Addition", "Suma"@es-MX, "Addition (fr)"@fr ;
    skos:definition "Putting together.", "Juntar."@es-MX ; skos:altLabel "plus", "más"@es-MX .
<alg> a skos:Concept ; skos:prefLabel "Algebra"@en, "Álgebra"@es ; skos:definition "Letras."@es ."""


def tagged_kg() -> KnowledgeGraph:
    kg = KnowledgeGraph(open_store("memory"))
    kg.import_bundle(read_text(TAGGED, "turtle"))
    return kg


def texts(kg: KnowledgeGraph, ident: str) -> set[str]:
    node = URIRef(f"https://w3id.org/pathwise/id/concept/{ident}")
    return {
        o.n3() for p in (SKOS.prefLabel, SKOS.definition, SKOS.altLabel) for o in kg.export_graph().objects(node, p)
    }


class TestReadTranslations:
    def test_rows_by_concept_with_tags_in_their_canonical_case(self) -> None:
        bundle = parse_curriculum_csv({"translations": HEADER + "add,ES-mx,Suma,Juntar.,más|adición\nadd,fr,,,\n"})
        assert bundle.translations == {
            "add": (Translation("es-MX", "Suma", "Juntar.", ("más", "adición")), Translation("fr")),
        }
        assert bundle.counts()["translations"] == 2

    def test_every_problem_comes_with_its_line(self) -> None:
        rows = (
            "add,es_MX,Suma,,\n"  # a POSIX locale
            'add,fr,"Addition\nsur deux lignes",,\n'
            ",de,Addition,,\n"
            "add,fr,Addition,,\n"  # fr again
            "has space,it,Addizione,,\n"
        )
        with pytest.raises(MalformedInput) as caught:
            parse_curriculum_csv({"translations": HEADER + rows})
        assert caught.value.problems == [
            "translations.csv:line 2: language 'es_MX' is not a BCP 47 language tag: did you mean 'es-MX'?",
            "translations.csv:line 3: concept 'add' in 'fr' has U+000A in its label, an invisible control or "
            "direction override: remove it",
            "translations.csv:line 5: empty concept",
            "translations.csv:line 6: concept 'add' in 'fr' is already on line 3",
            "translations.csv:line 7: concept id 'has space' is not a slug ([A-Za-z0-9_.-]) or an absolute IRI",
        ]

    def test_a_row_for_an_unknown_concept_names_its_line_and_the_closest_id(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(DanglingReferences) as caught:
            kg.import_bundle(parse_curriculum_csv({"translations": HEADER + "ad,es,Suma,,\n"}))
        assert caught.value.problems == [
            "translations.csv:line 2: translation es of concept ad: concept unknown (did you mean 'add'?)"
        ]


class TestWriteTranslations:
    def test_a_store_round_trips_through_the_files_into_a_fresh_store(self, tmp_path: Path) -> None:
        kg = tagged_kg()
        files = bundle_to_csv(kg.export_bundle())
        assert files["translations"] == (
            HEADER + "add,es-MX,Suma,Juntar.,más\nadd,fr,Addition (fr),,\nalg,es,Álgebra,Letras.,\n"
        )  # alg's English values are its own: concepts.csv's row, whose language cell says "en"
        # it has no definition of its own: it shows the Spanish one
        assert "alg,Algebra,,,,,en" in files["concepts"].splitlines()
        write_curriculum_csv(kg.export_bundle(), tmp_path)
        fresh = KnowledgeGraph(open_store("memory"))
        fresh.import_bundle(read_curriculum_csv(tmp_path))
        assert fresh.translations(["add", "alg"]) == kg.translations(["add", "alg"])
        assert fresh.concepts_by_ids(["add", "alg"]) == kg.concepts_by_ids(["add", "alg"])
        assert texts(fresh, "add") == texts(kg, "add")
        # alg's label, stored only as "Algebra"@en, came back untagged beside a tagged twin: two labels
        assert texts(fresh, "alg") == texts(kg, "alg")


class TestReplaceImport:
    def test_the_languages_named_change_the_others_stay_and_an_empty_row_removes_one(self) -> None:
        kg = tagged_kg()
        rows = "add,es-mx,Suma total,,\nadd,fr,,,\n"
        kg.import_bundle(parse_curriculum_csv({"translations": HEADER + rows}), replace_existing=True)
        assert kg.translations(["add"]) == [[Translation("es-MX", "Suma total")]]
        assert kg.concept("add").alt_labels == ("plus",)

    def test_without_the_file_every_translation_stays(self) -> None:
        kg = tagged_kg()
        before = kg.translations(["add", "alg"])
        concepts = "id,label,definition\nadd,Adding,Putting together.\nalg,Algebra I,\n"
        kg.import_bundle(parse_curriculum_csv({"concepts": concepts}), replace_existing=True)
        assert kg.translations(["add"]) == before[:1]
        assert texts(kg, "alg") == {'"Algebra I"@en', '"Álgebra"@es', '"Letras."@es'}  # still English, renamed

    def test_concepts_csv_lists_its_own_alternative_labels_and_a_replace_keeps_the_others(self) -> None:
        # The cell listed every language's: a designer deleted the Spanish "más" there as misplaced, and the
        # replace took it from the Spanish translation too.
        kg = tagged_kg()
        files = bundle_to_csv(kg.export_bundle())
        assert "add,Addition,Putting together.,plus,,," in files["concepts"].splitlines()
        assert "add,es-MX,Suma,Juntar.,más" in files["translations"].splitlines()
        edited = {"concepts": files["concepts"].replace("together.,plus,", "together.,plus|sum,")}
        kg.import_bundle(parse_curriculum_csv(edited), replace_existing=True)
        assert kg.translations(["add"])[0][0] == Translation("es-MX", "Suma", "Juntar.", ("más",))
        assert set(kg.concept("add").alt_labels) == {"más", "plus", "sum"}

    def test_an_exported_row_of_the_own_language_lets_concepts_csv_rename_it(self) -> None:
        kg = tagged_kg()
        files = bundle_to_csv(kg.export_bundle())
        edited = {**files, "concepts": files["concepts"].replace("alg,Algebra,", "alg,Algebra I,")}
        kg.import_bundle(parse_curriculum_csv(edited), replace_existing=True)
        assert texts(kg, "alg") == {'"Algebra I"@en', '"Álgebra"@es', '"Letras."@es'}

    def test_a_row_giving_the_own_language_another_label_is_refused_with_its_line(self) -> None:
        kg = tagged_kg()
        with pytest.raises(ValidationFailed) as caught:
            kg.import_bundle(
                parse_curriculum_csv({"translations": HEADER + "alg,en,Algebra 2,,\n"}), replace_existing=True
            )
        [problem] = caught.value.problems
        assert problem.startswith("translations.csv:line 2: translation 'en' of concept 'alg' gives its label as")
        assert "concepts.csv or with updateConcept" in problem

    def test_a_translators_edit_does_not_leave_the_old_definition_behind(self) -> None:
        # alg shows its Spanish definition; concepts.csv leaves it out, so the new one replaces it.
        kg = tagged_kg()
        files = bundle_to_csv(kg.export_bundle())
        edited = {**files, "translations": files["translations"].replace("Letras.", "Letras y números.")}
        kg.import_bundle(parse_curriculum_csv(edited), replace_existing=True)
        assert kg.concept("alg").definition == "Letras y números."
        assert '"Letras."' not in texts(kg, "alg")


class TestWithoutReplace:
    def test_a_new_language_is_added_the_same_row_again_costs_nothing(self) -> None:
        kg = tagged_kg()
        kg.import_bundle(parse_curriculum_csv({"translations": HEADER + "add,de,Addition (de),,\n"}))
        kg.import_bundle(parse_curriculum_csv({"translations": HEADER + "add,de,Addition (de),,\n"}))
        assert [t.language for t in kg.translations(["add"])[0]] == ["de", "es-MX", "fr"]

    def test_changing_a_stored_one_needs_replace_and_names_what_is_stored(self) -> None:
        kg = tagged_kg()
        revision = kg.revision
        with pytest.raises(ValidationFailed) as caught:
            kg.import_bundle(parse_curriculum_csv({"translations": HEADER + "add,fr,Somme,,\n"}))
        assert caught.value.problems == [
            "translations.csv:line 2: translation 'fr' of concept 'add' is stored with label 'Addition (fr)': "
            "pass --replace (replaceExisting) to change it"
        ]
        assert kg.revision == revision


def test_an_rdf_concept_with_two_labels_in_one_language_is_refused() -> None:
    # The second label was kept as an opaque triple: shown nowhere, exported by Turtle and not by CSV.
    kg = KnowledgeGraph(open_store("memory"))
    doc = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    <https://w3id.org/pathwise/id/concept/slope> a skos:Concept ;
        skos:prefLabel "Slope", "Pente"@fr-CA, "Pente d'une droite"@fr-ca ; skos:definition "Rise."@fr, "Run."@fr ."""
    with pytest.raises(ValidationFailed) as caught:
        kg.import_bundle(read_text(doc, "turtle"))
    assert caught.value.problems == [
        "concept 'slope' has 2 labels in 'fr-CA' ('Pente', \"Pente d'une droite\"): SKOS allows one skos:prefLabel "
        "per language: keep one (another can be a skos:altLabel)",
        "concept 'slope' has 2 definitions in 'fr' ('Rise.', 'Run.'): a concept has one definition per language: "
        "join them into one",
    ]
    assert kg.is_empty()


class TestOwnLanguageColumn:
    """A French board's concepts with English translations, through concepts.csv's language cell."""

    FRENCH = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    <https://w3id.org/pathwise/id/concept/sub> a skos:Concept ; skos:prefLabel "La soustraction"@fr-CA ."""

    def test_a_round_trip_keeps_the_french_label_its_own_and_one_rename_changes_it(self, tmp_path: Path) -> None:
        # Exported and imported into a fresh store, the French label came back untagged beside a French
        # twin: renaming it left the label French readers get as it was.
        from dataclasses import replace

        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(read_text(self.FRENCH, "turtle"))
        set_translation(kg, "sub", Translation("en", "Subtraction"))
        files = bundle_to_csv(kg.export_bundle())
        assert "sub,La soustraction,,,,,fr-CA" in files["concepts"].splitlines()
        assert files["translations"] == HEADER + "sub,en,Subtraction,,\n"
        write_curriculum_csv(kg.export_bundle(), tmp_path)
        fresh = KnowledgeGraph(open_store("memory"))
        fresh.import_bundle(read_curriculum_csv(tmp_path))

        def lower(found: set[str]) -> set[str]:  # tags compare without case
            return {t.lower() for t in found}

        assert lower(texts(fresh, "sub")) == lower(texts(kg, "sub")) == {
            '"la soustraction"', '"la soustraction"@fr-ca', '"subtraction"@en'
        }  # fmt: skip
        fresh.update_concept(replace(fresh.concept("sub"), label="La soustraction (v2)"))
        assert lower(texts(fresh, "sub")) == {
            '"la soustraction (v2)"', '"la soustraction (v2)"@fr-ca', '"subtraction"@en'
        }  # fmt: skip

    def test_a_hand_written_sheet_states_the_concepts_language(self) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        concepts = "id,label,definition,language\nsub,La soustraction,Enlever.,fr-ca\nadd,Addition,,\n"
        kg.import_bundle(
            parse_curriculum_csv({"concepts": concepts, "translations": HEADER + "sub,en,Subtraction,,\n"})
        )
        assert kg.concept("sub").label == "La soustraction"  # still shown: English sorts first
        assert kg.translations(["sub"])[0] == [
            Translation("en", "Subtraction"),
            Translation("fr-CA", "La soustraction", "Enlever."),
        ]
        assert texts(kg, "add") == {'"Addition"'}
        with pytest.raises(MalformedInput) as caught:
            parse_curriculum_csv({"concepts": "id,label,language\nsub,La soustraction,fr_CA\n"})
        assert caught.value.problems == [
            "concepts.csv:line 2: language 'fr_CA' is not a BCP 47 language tag: did you mean 'fr-CA'?"
        ]

    def test_a_copy_stored_before_the_marker_is_marked_by_its_language_cell(self) -> None:
        # The README's repair: export, write the language in the cell, import again with --replace.
        old = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://w3id.org/pathwise/id/concept/sub> a skos:Concept ;
            skos:prefLabel "La soustraction", "La soustraction"@fr-CA, "Subtraction"@en ."""
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(read_text(old, "turtle"))
        files = bundle_to_csv(kg.export_bundle())
        assert "sub,La soustraction,,,,," in files["concepts"].splitlines()  # no marker: untagged, its own
        marked = {
            **files,
            "concepts": files["concepts"].replace("sub,La soustraction,,,,,", "sub,La soustraction,,,,,fr-CA"),
        }
        kg.import_bundle(parse_curriculum_csv(marked), replace_existing=True)
        from dataclasses import replace

        kg.update_concept(replace(kg.concept("sub"), label="La soustraction (v2)"))
        assert {t.lower() for t in texts(kg, "sub")} == {
            '"la soustraction (v2)"', '"la soustraction (v2)"@fr-ca', '"subtraction"@en'
        }  # fmt: skip


class TestAlternativeLabelsSpeltAlike:
    """An alternative label spelt the same in two languages ("plus" in English and French)."""

    def test_the_concepts_own_stays_through_a_translation_a_removal_and_a_round_trip(self, tmp_path: Path) -> None:
        # The French "plus" took the English one's place: removing the French translation lost it for good,
        # and concepts.csv left it out.
        from graph.translations import remove_translation

        kg = tagged_kg()
        set_translation(kg, "add", Translation("fr", "Addition (fr)", alt_labels=("plus", "somme")))
        assert {'"plus"', '"plus"@fr', '"somme"@fr'} <= texts(kg, "add")
        files = bundle_to_csv(kg.export_bundle())
        assert "add,Addition,Putting together.,plus,,," in files["concepts"].splitlines()
        write_curriculum_csv(kg.export_bundle(), tmp_path)
        fresh = KnowledgeGraph(open_store("memory"))
        fresh.import_bundle(read_curriculum_csv(tmp_path))
        assert texts(fresh, "add") == texts(kg, "add")
        remove_translation(kg, "add", "fr")
        assert kg.concept("add").alt_labels == ("más", "plus")

    def test_an_own_language_that_is_tagged_keeps_its_tag_on_its_alternative_labels(self) -> None:
        # A French concept's own "fois" was stored untagged, so its fr-CA translation did not list it.
        concepts = "id,label,alt_labels,language\nmul,La multiplication,fois|produit,fr-CA\n"
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(parse_curriculum_csv({"concepts": concepts}))
        assert {t.lower() for t in texts(kg, "mul")} == {
            '"la multiplication"@fr-ca', '"fois"@fr-ca', '"produit"@fr-ca'
        }  # fmt: skip

    def test_marking_the_own_language_by_its_cell_keeps_that_languages_alternative_labels(self) -> None:
        # The README's repair with concepts.csv alone deleted "fois"@fr-CA: the old export listed it in
        # translations.csv, and the cell made fr-CA the concept's own language, whose list was empty.
        old = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://w3id.org/pathwise/id/concept/mul> a skos:Concept ; skos:prefLabel "La multiplication",
            "La multiplication"@fr-CA, "Multiplication"@en ; skos:altLabel "fois"@fr-CA ."""
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(read_text(old, "turtle"))
        concepts = "id,label,alt_labels,language\nmul,La multiplication,,fr-CA\n"
        kg.import_bundle(parse_curriculum_csv({"concepts": concepts}), replace_existing=True)
        assert "fois" in kg.concept("mul").alt_labels


def test_an_own_language_copy_that_says_another_thing_is_refused() -> None:
    # Edited in an exported Turtle file, the untagged copy and its French twin disagreed: both were stored as
    # French labels, and the store's own export was refused on import.
    doc = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix pw: <https://w3id.org/pathwise/vocab#> .
    <https://w3id.org/pathwise/id/concept/mul> a skos:Concept ;
        skos:prefLabel "La multiplication", "Multiplication"@en, "Multiplication (fr)"@fr-ca ;
        pw:ownLanguage "fr-CA" ."""
    kg = KnowledgeGraph(open_store("memory"))
    with pytest.raises(ValidationFailed) as caught:
        kg.import_bundle(read_text(doc, "turtle"))
    assert caught.value.problems[0].startswith(
        "concept 'mul' has 2 labels in 'fr-CA' ('La multiplication', 'Multiplication (fr)')"
    )


def test_a_language_cell_naming_a_language_the_concept_has_another_label_in_is_refused() -> None:
    # The row's label became the French one and "L'addition", its definition and "somme" were gone, a dry run
    # warning of nothing.
    kg = tagged_kg()
    set_translation(kg, "add", Translation("fr", "L'addition", "Réunir.", ("somme",)), keep_alt_labels=False)
    row = "id,label,definition,language\nadd,Addition,Putting together.,fr\n"
    with pytest.raises(ValidationFailed) as caught:
        kg.import_bundle(parse_curriculum_csv({"concepts": row}), replace_existing=True, dry_run=True)
    assert caught.value.problems == [
        "concepts.csv:line 2: concept 'add': language 'fr' makes its label 'Addition' its own in 'fr', where its "
        'translation in that language says "L\'addition": give the row that label, or remove the translation '
        "first (removeConceptTranslation)"
    ]
    fine = "id,label,definition,language\nadd,L'addition,Réunir.,fr\n"
    kg.import_bundle(parse_curriculum_csv({"concepts": fine}), replace_existing=True)
    assert kg.concept("add").label == "L'addition"
