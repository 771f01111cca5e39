"""schema.org data as other tools write it: the http namespace, a remote context, CreativeWork subtypes.

From the walkthrough: a material in ``http://schema.org/`` (what schema.org's own JSON-LD
context expands to) imported as ``materials: 0``, its triples kept as opaque data with
no warning; ``"@context": "https://schema.org"`` was refused with "No LoadDocumentCallback
has been set to load remote contexts"; a resource typed only ``schema:VideoObject`` was
silently not imported.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import URIRef

from graph.model import Material, MaterialType
from graph.repository import KnowledgeGraph
from ingest.errors import MalformedInput
from ingest.formats import read_path, read_text

SLOPE = "https://w3id.org/pathwise/id/concept/quad"
HTTP_TURTLE = f"""@prefix schema: <http://schema.org/> .
<https://district.example.org/materials/v1> a schema:LearningResource ;
  schema:name "Quadratics video (from the district LOR)" ;
  schema:learningResourceType "video" ;
  schema:teaches <{SLOPE}> ;
  schema:timeRequired "PT4M"^^schema:Duration ;
  schema:inLanguage "en" ;
  schema:accessMode "auditory", "visual" ;
  schema:accessModeSufficient "textual" ;
  schema:accessibilityFeature "closedCaptions" ;
  schema:accessibilityHazard "flashing", <http://schema.org/noSoundHazard> .
"""
EXPECTED = Material(
    "https://district.example.org/materials/v1",
    "Quadratics video (from the district LOR)",
    MaterialType.VIDEO,
    minutes=4,
    teaches=("quad",),
    language="en",
    access_modes=("auditory", "visual"),
    access_mode_sufficient=("textual",),
    accessibility_features=("closedCaptions",),
    accessibility_hazards=("flashing",),
)


class TestTheHttpNamespace:
    def test_turtle_in_http_schema_org_is_read_as_https(self, kg: KnowledgeGraph) -> None:
        bundle = read_text(HTTP_TURTLE, "turtle")
        assert bundle.materials == (EXPECTED,)
        assert bundle.extra is not None
        kept = {(str(p), str(o)) for _, p, o in bundle.extra}
        assert kept == {
            ("https://schema.org/accessibilityHazard", "https://schema.org/noSoundHazard"),
            ("https://schema.org/timeRequired", "PT4M"),  # typed schema:Duration: kept beside the xsd:duration
        }
        assert all(URIRef("https://schema.org/Duration") == o.datatype for _, p, o in bundle.extra if "time" in p)
        kg.import_bundle(bundle)
        assert kg.material(EXPECTED.id).accessibility_hazards == ("flashing",)
        assert "http://schema.org/" not in {str(t)[:18] for triple in kg.export_graph() for t in triple}

    def test_expanded_json_ld_from_schema_orgs_context(self) -> None:
        # What a JSON-LD processor makes of {"@context": "https://schema.org", ...}: http IRIs.
        expanded = [
            {
                "@id": "https://district.example.org/materials/v1",
                "@type": ["http://schema.org/LearningResource"],
                "http://schema.org/name": [{"@value": "Quadratics video (from the district LOR)"}],
                "http://schema.org/learningResourceType": [{"@value": "video"}],
                "http://schema.org/teaches": [{"@id": SLOPE}],
                "http://schema.org/timeRequired": [{"@value": "PT4M"}],
                "http://schema.org/inLanguage": [{"@value": "en"}],
                "http://schema.org/accessMode": [{"@value": "auditory"}, {"@value": "visual"}],
                "http://schema.org/accessModeSufficient": [{"@value": "textual"}],
                "http://schema.org/accessibilityFeature": [{"@value": "closedCaptions"}],
                "http://schema.org/accessibilityHazard": [{"@value": "flashing"}],
            }
        ]
        assert read_text(json.dumps(expanded), "jsonld").materials == (EXPECTED,)

    def test_a_compact_document_with_an_http_vocab(self) -> None:
        compact = {
            "@context": {"@vocab": "http://schema.org/", "teaches": {"@type": "@id"}},
            "@id": "https://district.example.org/materials/v3",
            "@type": "LearningResource",
            "name": "Compact",
            "teaches": SLOPE,
        }
        [material] = read_text(json.dumps(compact), "jsonld").materials
        assert (material.title, material.teaches) == ("Compact", ("quad",))


class TestARemoteContext:
    def test_is_refused_with_what_to_do_and_the_file(self, tmp_path: Path) -> None:
        doc = {"@context": "https://schema.org", "@id": "http://x.org/a", "@type": "LearningResource", "name": "A"}
        (tmp_path / "lor.jsonld").write_text(json.dumps(doc), encoding="utf-8")
        with pytest.raises(MalformedInput) as caught:
            read_path(tmp_path / "lor.jsonld")
        [problem] = caught.value.problems
        assert problem == (
            f"{tmp_path / 'lor.jsonld'}:-: the document's @context names https://schema.org, and Pathwise does not "
            "fetch remote contexts: expand the document first (a JSON-LD processor's expand) or put the context "
            'in it (an object under "@context")'
        )
        assert "LoadDocumentCallback" not in caught.value.message

    def test_in_a_list_or_a_graph_too(self) -> None:
        doc = {"@graph": [{"@context": ["https://schema.org/docs/jsonldcontext.jsonld", {"a": "http://x/"}]}]}
        with pytest.raises(MalformedInput, match="@context names https://schema.org/docs/jsonldcontext.jsonld"):
            read_text(json.dumps(doc), "jsonld")


TYPED = f"""@prefix schema: <https://schema.org/> .
<https://district.example.org/materials/u3> a schema:VideoObject ; schema:name "A VideoObject" ;
  schema:teaches <{SLOPE}> .
<https://district.example.org/materials/q1> a schema:Quiz ; schema:name "A quiz" ; schema:assesses <{SLOPE}> .
<https://district.example.org/materials/a1> a schema:Article ; schema:name "An article" ; schema:teaches <{SLOPE}> .
<https://district.example.org/materials/u4> a schema:LearningResource, schema:VideoObject ; schema:name "Both" ;
  schema:teaches <{SLOPE}> .
<https://district.example.org/materials/b1> a schema:Book ; schema:name "Cited, teaches nothing" .
"""


class TestCreativeWorkSubtypes:
    def test_a_video_quiz_or_article_is_read_as_that_material_type(self, kg: KnowledgeGraph) -> None:
        bundle = read_text(TYPED, "turtle")
        types = {m.id: m.type for m in bundle.materials}
        assert {i.rsplit("/", 1)[1]: t for i, t in types.items()} == {
            "u3": MaterialType.VIDEO,
            "q1": MaterialType.EXERCISE,
            "a1": MaterialType.READING,
            "u4": MaterialType.VIDEO,  # it was a reading: no learningResourceType
        }
        assert bundle.warnings == ()
        kg.import_bundle(bundle)
        again = read_text(kg.export_graph().serialize(format="turtle"), "turtle")
        assert {m.id: m.type for m in again.materials if m.id in types} == types

    def test_a_learning_resource_type_comes_first(self) -> None:
        text = TYPED.replace('schema:name "A quiz"', 'schema:name "A quiz" ; schema:learningResourceType "example"')
        [quiz] = [m for m in read_text(text, "turtle").materials if m.id.endswith("q1")]
        assert quiz.type is MaterialType.EXAMPLE

    def test_what_teaches_but_is_not_read_as_a_material_is_counted(self, kg: KnowledgeGraph) -> None:
        text = f"""@prefix schema: <https://schema.org/> .
<https://x.org/c1> a schema:Course ; schema:name "A course" ; schema:teaches <{SLOPE}> .
<https://x.org/c2> a schema:Course ; schema:teaches <{SLOPE}> .
<https://x.org/w1> a schema:WebPage ; schema:teaches <{SLOPE}> .
<https://x.org/n1> schema:assesses <{SLOPE}> ."""
        bundle = read_text(text, "turtle")
        assert bundle.materials == ()
        assert bundle.warnings == (
            "4 resources teach or assess a concept but are not read as materials (typed schema:Course: 2, "
            "typed schema:WebPage: 1, untyped: 1): kept as triples; type them schema:LearningResource to import them "
            "as materials",
        )
        assert kg.import_bundle(bundle).warnings == list(bundle.warnings)
