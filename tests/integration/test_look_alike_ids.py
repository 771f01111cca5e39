"""Ids that equal a stored one's but for Unicode normalisation are refused; but for letter case, warned of."""

from __future__ import annotations

import asyncio
from typing import Any

from graph.bundle import CurriculumBundle
from graph.model import Concept
from graph.rdf_mapping import concept_triples
from resolvers.loaders import build_loaders
from schema.context import Context
from tests.conftest import PlainIds
from tests.integration.conftest import Client

CAFE = "http://example.org/c/caf\u00e9"  # é as one code point (NFC)
CAFE_NFD = "http://example.org/c/cafe\u0301"  # e + combining acute accent: looks the same
CONCEPT = """mutation($input: CreateConceptInput!) { createConcept(input: $input) {
  __typename ... on Concept { id } ... on CurriculumError { code field subjectId message problems } } }"""
MATERIAL = """mutation($input: CreateMaterialInput!) { createMaterial(input: $input) {
  __typename ... on Material { id } ... on CurriculumError { code field subjectId message problems } } }"""
IMPORT = """mutation($input: ImportCurriculumInput!) { importCurriculum(input: $input) {
  __typename ... on ImportSummary { concepts materials warnings } ... on CurriculumError { code problems } } }"""


def response(client: Client, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """The whole response, ``extensions`` included."""
    context = Context(kg=client.kg, loaders=build_loaders(client.kg), pseudonyms=PlainIds())
    result = asyncio.run(client.schema.execute(query, variable_values=variables, context_value=context))
    assert result.errors is None, result.errors
    return {"data": result.data, "extensions": result.extensions or {}}


def test_another_unicode_form_of_a_stored_concept_id_is_refused_naming_it(client: Client) -> None:
    assert client.execute(CONCEPT, {"input": {"id": CAFE, "label": "Café"}})["createConcept"]["__typename"] == "Concept"
    refused = client.execute(CONCEPT, {"input": {"id": CAFE_NFD, "label": "Café again"}})["createConcept"]
    said = (
        f"concept id {CAFE_NFD!r} ('http://example.org/c/cafe\\u0301') is stored concept {CAFE!r} "
        f"('http://example.org/c/caf\\xe9') in another Unicode form: did you mean {CAFE!r}?"
    )
    assert refused == {
        "__typename": "CurriculumError",
        "code": "DUPLICATE",
        "field": "id",
        "subjectId": CAFE,
        "message": said,
        "problems": [said],
    }
    assert client.execute("{ concepts(first: 100) { totalCount } }")["concepts"]["totalCount"] == 6


def test_full_width_letters_make_no_other_id(client: Client) -> None:
    # "http://example.org/c/\uff43af\u00e9" (a full-width c) was taken beside café without a word (an audit).
    client.execute(CONCEPT, {"input": {"id": CAFE, "label": "Café"}})
    wide = "http://example.org/c/\uff43af\u00e9"
    refused = client.execute(CONCEPT, {"input": {"id": wide, "label": "Café again"}})["createConcept"]
    assert (refused["code"], refused["subjectId"]) == ("DUPLICATE", CAFE)


def test_an_id_another_only_in_letter_case_is_created_with_a_warning(client: Client) -> None:
    # Real data holds such pairs as two things (Junyi's number_sense_weight_l1 and _L1): taken, but said.
    made = response(client, CONCEPT, {"input": {"id": "Quad", "label": "Quad II"}})
    assert made["data"]["createConcept"] == {"__typename": "Concept", "id": "Quad"}
    assert made["extensions"] == {
        "warnings": [
            "concept id 'Quad' differs from stored concept 'quad' only in letter case: they are two concepts "
            "(did you mean 'quad'?)"
        ]
    }
    plain = response(client, CONCEPT, {"input": {"id": "cubic", "label": "Cubic"}})
    assert plain["extensions"] == {}  # no warnings, no key
    material = {"id": "M_EQ", "title": "Eq", "type": "READING", "teaches": ["eq"]}
    made = response(client, MATERIAL, {"input": material})
    assert made["data"]["createMaterial"] == {"__typename": "Material", "id": "M_EQ"}
    assert made["extensions"]["warnings"][0].startswith("material id 'M_EQ' differs from stored material 'm_eq'")
    nfd = {"id": "http://example.org/m/caf\u00e9", "title": "Café", "type": "READING", "teaches": ["eq"]}
    assert client.execute(MATERIAL, {"input": nfd})["createMaterial"]["__typename"] == "Material"
    refused = client.execute(MATERIAL, {"input": {**nfd, "id": "http://example.org/m/cafe\u0301"}})["createMaterial"]
    assert (refused["code"], refused["field"], refused["subjectId"]) == ("DUPLICATE", "id", nfd["id"])


def test_an_import_refuses_two_forms_with_their_lines_and_warns_of_two_cases(client: Client) -> None:
    csv = {"concepts": f"id,label\n{CAFE},Café\nSlope,Slope\n{CAFE_NFD},Café again\nslope,slope\n"}
    refused = client.execute(IMPORT, {"input": {"format": "CSV", "csv": csv}})["importCurriculum"]
    assert refused == {
        "__typename": "CurriculumError",
        "code": "INVALID",
        "problems": [
            f"concepts.csv:line 4: concept id {CAFE_NFD!r} ('http://example.org/c/cafe\\u0301') is concept "
            f"{CAFE!r} ('http://example.org/c/caf\\xe9', concepts.csv:line 2) in another Unicode form: did you "
            f"mean {CAFE!r}?"
        ],
    }
    assert client.execute(f'{{ concept(id: "{CAFE}") {{ id }} }}') == {"concept": None}  # nothing written
    csv = {"concepts": "id,label\nSlope,Slope\nslope,slope\nQUAD,Quad\n"}
    done = client.execute(IMPORT, {"input": {"format": "CSV", "csv": csv}})["importCurriculum"]
    assert done == {
        "__typename": "ImportSummary",
        "concepts": 3,
        "materials": 0,
        "warnings": [
            "concepts.csv:line 3: concept id 'slope' differs from concept 'Slope' (concepts.csv:line 2) only in "
            "letter case: they are two concepts (did you mean 'Slope'?)",
            "concepts.csv:line 4: concept id 'QUAD' differs from stored concept 'quad' only in letter case: they "
            "are two concepts (did you mean 'quad'?)",
        ],
    }


def test_look_alikes_an_earlier_release_stored_stay_readable_replaceable_and_deletable(client: Client) -> None:
    # Both forms stored before the check: nothing refuses them now; only a new id is checked.
    kg = client.kg
    kg.store.apply([], [*concept_triples(Concept(CAFE, "Café")), *concept_triples(Concept(CAFE_NFD, "Café 2"))])
    kg.rebuild_projection()
    found = client.execute(f'{{ a: concept(id: "{CAFE}") {{ label }} b: concept(id: "{CAFE_NFD}") {{ label }} }}')
    assert found == {"a": {"label": "Café"}, "b": {"label": "Café 2"}}
    again = kg.import_bundle(CurriculumBundle(concepts=(Concept(CAFE_NFD, "Café II"),)), replace_existing=True)
    assert again.counts["concepts"] == 1
    deleted = client.execute(f'mutation {{ deleteConcept(id: "{CAFE_NFD}") {{ __typename }} }}')
    assert deleted == {"deleteConcept": {"__typename": "Deleted"}}
    assert client.execute(f'{{ concept(id: "{CAFE}") {{ label }} }}') == {"concept": {"label": "Café"}}
