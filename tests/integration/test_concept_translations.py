"""setConceptTranslation and removeConceptTranslation, and translations through imports and CSV exports.

A designer could read a concept's translations but not edit them: no mutation took a
language, and the refusal of a Turtle file adding one sent them to ``updateConcept``,
which has none.
"""

from __future__ import annotations

import json
import re
from typing import Any

from graph.repository import KnowledgeGraph
from graph.store import open_store
from ingest.formats import read_text
from tests.integration.conftest import Client

SET = """mutation($input: SetConceptTranslationInput!) { setConceptTranslation(input: $input) {
  __typename ... on Concept { id label altLabels translations { language label definition altLabels } }
  ... on CurriculumError { code field subjectId message problems } } }"""
REMOVE = """mutation($c: ID!, $l: String!) { removeConceptTranslation(conceptId: $c, language: $l) {
  __typename ... on Concept { translations { language } } ... on CurriculumError { code field message } } }"""
READ = """query($l: String) { concept(id: "add") { label(language: $l) labelLanguage(language: $l)
  definition(language: $l) translations { language label } } }"""
IMPORT = """mutation($input: ImportCurriculumInput!) { importCurriculum(input: $input) {
  __typename ... on ImportSummary { concepts translations } ... on CurriculumError { code message problems } } }"""


def set_translation(client: Client, **values: Any) -> dict[str, Any]:
    result: dict[str, Any] = client.execute(SET, {"input": {"conceptId": "add", "definition": "", **values}})
    return result["setConceptTranslation"]


class TestSetConceptTranslation:
    def test_creates_and_replaces_one_language_read_back_in_its_canonical_case(self, client: Client) -> None:
        made = set_translation(client, language="es-mx", label=" Suma ", definition="Juntar.", altLabels=["más"])
        assert made == {
            "__typename": "Concept",
            "id": "add",
            "label": "Addition",
            "altLabels": ["más"],
            "translations": [{"language": "es-MX", "label": "Suma", "definition": "Juntar.", "altLabels": ["más"]}],
        }
        spanish = client.execute(READ, {"l": "es"})["concept"]
        assert spanish == {
            "label": "Suma",
            "labelLanguage": "es-MX",
            "definition": "Juntar.",
            "translations": [{"language": "es-MX", "label": "Suma"}],
        }
        # null alternative labels keep the language's; the definition given replaces it
        again = set_translation(client, language="ES-MX", label="Adición")
        assert again["translations"] == [
            {"language": "es-MX", "label": "Adición", "definition": "", "altLabels": ["más"]}
        ]
        cleared = set_translation(client, language="es-MX", label="Adición", altLabels=[])
        assert (cleared["altLabels"], cleared["translations"][0]["altLabels"]) == ([], [])

    def test_a_form_read_before_someone_elses_change_is_refused(self, client: Client) -> None:
        # Two translators' forms both won in turn: the second save put back the label the first had changed.
        versions = """{ concept(id: "add") { translations { language label version } } }"""
        set_translation(client, language="es", label="Suma", altLabels=["más", "adición"])
        [read] = client.execute(versions)["concept"]["translations"]
        first = set_translation(client, language="es", label="Adición", ifVersion=read["version"])
        assert first["__typename"] == "Concept"
        second = set_translation(client, language="es", label="Sumar", ifVersion=read["version"])
        assert (second["code"], second["field"]) == ("CONFLICT", "ifVersion")
        assert client.execute(versions)["concept"]["translations"][0]["label"] == "Adición", "nothing written"
        [now] = client.execute(versions)["concept"]["translations"]
        assert now["version"] != read["version"]
        assert set_translation(client, language="es", label="Sumar", ifVersion=now["version"])["__typename"] == (
            "Concept"
        )
        # a version of a language since removed, or no version at all, is refused too
        [latest] = client.execute(versions)["concept"]["translations"]
        assert client.execute(REMOVE, {"c": "add", "l": "es"})["removeConceptTranslation"]["__typename"] == "Concept"
        gone = set_translation(client, language="es", label="Suma", ifVersion=latest["version"])
        assert (gone["code"], gone["field"]) == ("CONFLICT", "ifVersion")
        garbage = set_translation(client, language="es", label="Suma", ifVersion="garbage")
        assert (garbage["code"], garbage["field"]) == ("INVALID", "ifVersion")

    def test_refusals_are_typed_name_their_input_and_write_nothing(self, client: Client) -> None:
        missing = client.execute(
            SET, {"input": {"conceptId": "ghost", "language": "es", "label": "X", "definition": ""}}
        )
        assert {k: missing["setConceptTranslation"][k] for k in ("code", "field", "subjectId")} == {
            "code": "NOT_FOUND",
            "field": "conceptId",
            "subjectId": "ghost",
        }
        # a typo said only "does not exist", and the values' own problems came on the next try
        typo = client.execute(SET, {"input": {"conceptId": "ad", "language": "french", "label": "", "definition": ""}})
        assert typo["setConceptTranslation"]["problems"] == [
            "concept 'ad' does not exist (did you mean 'add'?)",
            "concept 'ad': language 'french' is not a BCP 47 language tag (such as 'en', 'pt-BR', 'zh-Hant')",
            "concept 'ad' in 'french' has an empty label",
        ]
        locale = set_translation(client, language="es_MX", label="Suma")
        assert (locale["code"], locale["field"]) == ("INVALID", "language")
        assert locale["message"].endswith("did you mean 'es-MX'?")
        blank = set_translation(client, language="es", label="\u200b")
        assert (blank["field"], blank["problems"]) == ("label", ["concept 'add' in 'es' has an empty label"])
        several = set_translation(client, language="sp_MX", label="Suma\nalta", altLabels=["ok", "\u202e"])
        assert (several["code"], several["field"], len(several["problems"])) == ("INVALID", None, 3)
        assert client.execute(READ)["concept"]["translations"] == []

    def test_the_language_of_the_concepts_own_label_names_update_concept(self, client: Client) -> None:
        client.execute(
            IMPORT,
            {
                "input": {
                    "format": "TURTLE",
                    "content": "@prefix skos: <http://www.w3.org/2004/02/skos/core#> . <https://example.org/alg> a "
                    'skos:Concept ; skos:prefLabel "Algebra"@en .',
                }
            },
        )
        found = client.execute(
            SET,
            {"input": {"conceptId": "https://example.org/alg", "language": "en", "label": "Alg", "definition": ""}},
        )["setConceptTranslation"]
        assert (found["code"], found["field"]) == ("INVALID", "language")
        assert "change it with updateConcept, which keeps 'en'" in found["message"]
        shown = client.execute('{ concept(id: "https://example.org/alg") { label labelLanguage } }')
        assert shown == {"concept": {"label": "Algebra", "labelLanguage": "en"}}  # it came back null: tag lost


class TestRemoveConceptTranslation:
    def test_removes_one_language(self, client: Client) -> None:
        set_translation(client, language="es", label="Suma")
        set_translation(client, language="fr", label="Addition (fr)")
        removed = client.execute(REMOVE, {"c": "add", "l": "ES"})["removeConceptTranslation"]
        assert removed == {"__typename": "Concept", "translations": [{"language": "fr"}]}

    def test_a_language_it_has_nothing_in_is_not_found(self, client: Client) -> None:
        found = client.execute(REMOVE, {"c": "add", "l": "de"})["removeConceptTranslation"]
        assert (found["code"], found["field"]) == ("NOT_FOUND", "language")


class TestThroughImportsAndExports:
    def test_a_turtle_label_for_a_stored_concept_is_sent_to_the_mutation_that_sets_it(self, client: Client) -> None:
        content = (
            "@prefix skos: <http://www.w3.org/2004/02/skos/core#> . "
            '<https://w3id.org/pathwise/id/concept/add> skos:prefLabel "Suma"@es .'
        )
        refused = client.execute(IMPORT, {"input": {"format": "TURTLE", "content": content}})["importCurriculum"]
        assert refused["code"] == "INVALID"
        assert "set it with setConceptTranslation (language 'es') or a row of translations.csv" in refused["message"]

    def test_a_spreadsheet_edit_of_a_translation_round_trips(self, client: Client) -> None:
        set_translation(client, language="es", label="Suma", altLabels=["más"])
        export = "{ exportCurriculumCsv { concepts prerequisites materials curricula translations } }"
        files = client.execute(export)["exportCurriculumCsv"]
        assert files["translations"] == "concept,language,label,definition,alt_labels\nadd,es,Suma,,más\n"
        edited = {**files, "translations": files["translations"].replace("Suma", "Adición")}
        summary = client.execute(IMPORT, {"input": {"format": "CSV", "csv": edited, "replaceExisting": True}})
        assert summary["importCurriculum"]["translations"] == 1
        assert client.execute(READ, {"l": "es"})["concept"]["label"] == "Adición"
        assert client.execute(export)["exportCurriculumCsv"] == edited
        # a folder without translations.csv keeps them
        without = {k: v for k, v in edited.items() if k != "translations"}
        client.execute(IMPORT, {"input": {"format": "CSV", "csv": without, "replaceExisting": True}})
        assert client.execute(READ, {"l": "es"})["concept"]["label"] == "Adición"

    def test_case_exports_no_translations_and_a_case_reimport_keeps_them(self, client: Client) -> None:
        set_translation(client, language="es", label="Suma")
        package = client.execute('{ exportCurriculum(format: CASE, curriculumId: "arith") }')["exportCurriculum"]
        assert "Suma" not in package  # CASE has no place for them
        again = client.execute(IMPORT, {"input": {"format": "CASE", "content": package, "replaceExisting": True}})
        assert again["importCurriculum"]["__typename"] == "ImportSummary"
        assert client.execute(READ, {"l": "es"})["concept"]["label"] == "Suma"


def test_a_fresh_store_reads_a_tagged_label_with_its_language() -> None:
    kg = KnowledgeGraph(open_store("memory"))
    turtle = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    <https://example.org/geo> a skos:Concept ; skos:prefLabel "Geometría"@es-mx ."""
    kg.import_bundle(read_text(turtle, "turtle"))
    found = Client(kg).execute(
        '{ concept(id: "https://example.org/geo") { label labelLanguage translations { language } } }'
    )
    assert found == {
        "concept": {"label": "Geometría", "labelLanguage": "es-MX", "translations": [{"language": "es-MX"}]}
    }


def test_a_form_that_edits_the_label_alone_keeps_the_definition(client: Client) -> None:
    # definition was required: a form editing the Spanish label had to send the definition again, or clear it.
    set_translation(client, language="es", label="Suma", definition="Juntar.")
    renamed = client.execute(SET, {"input": {"conceptId": "add", "language": "es", "label": "Adición"}})
    assert renamed["setConceptTranslation"]["translations"] == [
        {"language": "es", "label": "Adición", "definition": "Juntar.", "altLabels": []}
    ]
    cleared = set_translation(client, language="es", label="Adición", definition="")
    assert cleared["translations"][0]["definition"] == ""


def test_each_mutation_of_a_document_answers_with_what_the_ones_before_it_wrote(client: Client) -> None:
    # A request's loaders kept what they first read: `b` answered translations [de] and no prerequisites
    # after `p` added one and `b` itself added fr; `r` answered [de] right after removing de (an audit).
    document = """mutation {
      c: createConcept(input: {id: "stale", label: "Stale"}) { ... on Concept { id } }
      a: setConceptTranslation(input: {conceptId: "stale", language: "de", label: "Alt"}) {
        ... on Concept { translations { language } prerequisites { id } } }
      p: addPrerequisite(conceptId: "stale", prerequisiteId: "add") { ... on PrerequisiteEdge { strength } }
      b: setConceptTranslation(input: {conceptId: "stale", language: "fr", label: "Vieux"}) {
        ... on Concept { translations { language } prerequisites { id } } }
      r: removeConceptTranslation(conceptId: "stale", language: "de") { ... on Concept { translations { language } } }
      u: updateConcept(input: {id: "add", label: "Adding"}) { ... on Concept { label dependents { id } } }
    }"""
    answered = client.execute(document)
    assert answered["a"] == {"translations": [{"language": "de"}], "prerequisites": []}
    assert answered["b"] == {"translations": [{"language": "de"}, {"language": "fr"}], "prerequisites": [{"id": "add"}]}
    assert answered["r"] == {"translations": [{"language": "fr"}]}
    assert answered["u"]["label"] == "Adding"
    assert {"id": "stale"} in answered["u"]["dependents"]


def test_rdf_exports_write_language_tags_in_their_canonical_case(client: Client) -> None:
    # Oxigraph keeps and writes tags lower case: "Suma"@es-mx and "@language": "zh-hant-tw" went out,
    # where the export promises @es-MX (the CSV export already wrote es-MX).
    set_translation(client, language="es-mx", label="Suma")
    set_translation(client, language="ZH-hant-tw", label="加法")
    for fmt in ("TURTLE", "NTRIPLES"):
        text = client.execute(f"{{ exportCurriculum(format: {fmt}) }}")["exportCurriculum"]
        assert re.findall(r'"(?:Suma|加法)"@([\w-]+)', text) == ["es-MX", "zh-Hant-TW"], fmt
    document = json.loads(client.execute("{ exportCurriculum(format: JSONLD) }")["exportCurriculum"])
    languages = {
        value["@language"]
        for node in document["@graph"]
        for values in node.values()
        if isinstance(values, list)
        for value in values
        if isinstance(value, dict) and "@language" in value
    }
    assert {"es-MX", "zh-Hant-TW"} <= languages
    assert not {"es-mx", "zh-hant-tw"} & languages


def test_a_region_the_script_table_does_not_list_reads_the_languages_own_script(client: Client) -> None:
    # sr-RS read as "any script" and was given the Latin label (sr-Latn-RS), where CLDR reads it as Cyrillic;
    # "never one in another script" (an audit). Montenegro's Serbian is Latin.
    set_translation(client, language="sr-Latn-RS", label="Sabiranje")
    for asked, shown in (("sr-RS", None), ("sr-BA", None), ("sr-ME", "sr-Latn-RS"), ("sr-Latn", "sr-Latn-RS")):
        read = client.execute(READ, {"l": asked})["concept"]
        assert read["labelLanguage"] == shown, (asked, read)  # None: the own label, in no stated language
