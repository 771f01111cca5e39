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
            ("https://schema.org/accessModeSufficient", "textual"),
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
