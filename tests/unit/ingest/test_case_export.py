"""CASE export: the package's shape, and round trips through the CASE importer."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from graph.bundle import CurriculumBundle
from graph.errors import InvalidInput, NotFound
from graph.model import Concept, Curriculum, Prerequisite
from graph.repository import KnowledgeGraph
from graph.store import open_store
from ingest.case import parse_case_package, read_case
from ingest.case_export import case_package
from ingest.csv_layout import read_curriculum_csv
from ingest.export import export_path, export_text
from ingest.formats import read_path, read_text
from tests.unit.ingest.test_case import FIXTURES, OPENSALT, TEKS_MATH

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _package(kg: KnowledgeGraph, curriculum: str) -> dict[str, object]:
    return case_package(kg.export_bundle(curriculum), curriculum, now=NOW)


def _items(package: dict[str, object]) -> dict[str, dict[str, object]]:
    items = package["CFItems"]
    assert isinstance(items, list)
    return {str(i["fullStatement"]): i for i in items}


def _associations(package: dict[str, object], kind: str) -> list[dict[str, object]]:
    associations = package["CFAssociations"]
    assert isinstance(associations, list)
    return [a for a in associations if a["associationType"] == kind]


class TestPackageShape:
    def test_every_node_has_what_case_1_0_requires(self, kg: KnowledgeGraph) -> None:
        package = _package(kg, "arith")
        document = package["CFDocument"]
        assert isinstance(document, dict)
        for key in ("identifier", "uri", "lastChangeDateTime", "CFPackageURI", "creator", "title"):
            assert document[key], key
        uuid.UUID(str(document["identifier"]))
        assert document["title"] == "Arithmetic"
        assert document["description"] == "Small test curriculum"
        assert document["lastChangeDateTime"] == "2026-01-02T03:04:05+00:00"
        for item in _items(package).values():
            for key in ("identifier", "uri", "lastChangeDateTime", "CFDocumentURI", "fullStatement"):
                assert item[key], key
            uuid.UUID(str(item["identifier"]))
        associations = package["CFAssociations"]
        assert isinstance(associations, list)
        for association in associations:
            for key in ("identifier", "uri", "associationType", "originNodeURI", "destinationNodeURI"):
                assert association[key], key
        assert len({a["identifier"] for a in associations}) == len(associations)

    def test_concepts_edges_and_hierarchy_map_to_case(self, kg: KnowledgeGraph) -> None:
        package = _package(kg, "arith")
        items = _items(package)
        subtraction = items["Taking away."]
        assert subtraction["abbreviatedStatement"] == "Subtraction"
        assert subtraction["alternativeLabel"] == "minus"
        ids = {str(i["abbreviatedStatement"]): i["identifier"] for i in items.values()}
        precedes = {
            (a["originNodeURI"]["identifier"], a["destinationNodeURI"]["identifier"])  # type: ignore[index]
            for a in _associations(package, "precedes")
        }
        # the prerequisite precedes the concept that needs it
        assert (ids["Addition"], ids["Subtraction"]) in precedes
        assert len(precedes) == 5
        children = {
            a["originNodeURI"]["identifier"]: a["destinationNodeURI"] for a in _associations(package, "isChildOf")
        }  # type: ignore[index]
        assert children[ids["Equations"]]["identifier"] == ids["Addition"]  # type: ignore[index]
        document = package["CFDocument"]
        assert isinstance(document, dict)
        assert children[ids["Addition"]]["identifier"] == document["identifier"]  # type: ignore[index]
        assert len(children) == 5

    def test_identifiers_are_the_same_every_export(self, kg: KnowledgeGraph) -> None:
        first = _package(kg, "arith")
        later = case_package(kg.export_bundle("arith"), "arith", now=datetime(2027, 1, 1, tzinfo=UTC))
        assert json.dumps(first).replace("2026-01-02T03:04:05", "T") == json.dumps(later).replace(
            "2027-01-01T00:00:00", "T"
        )

    def test_a_curriculum_must_be_named_and_exist(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(InvalidInput, match="one framework.*curricula: arith") as raised:
            export_text(kg, "case")
        assert raised.value.field == "curriculumId"
        with pytest.raises(NotFound):
            export_text(kg, "case", "nope")

    def test_export_path_writes_utf8_json(self, kg: KnowledgeGraph, tmp_path: Path) -> None:
        kg.update_concept(replace(kg.concept("add"), label="Addition ∑"))
        written = export_path(kg, "case", tmp_path / "arith.json", "arith")
        text = written[0].read_text(encoding="utf-8")
        assert "Addition ∑" in text  # not \u escapes
        assert read_path(written[0]).curricula[0].id == "arith"


class TestRoundTrip:
    def test_a_pathwise_curriculum_comes_back_onto_its_own_concepts(self, kg: KnowledgeGraph) -> None:
        bundle = read_text(export_text(kg, "case", "arith"), "case")
        assert bundle.curricula[0].id == "arith"
        before = {c.id: c for c in kg.export_bundle("arith").concepts}
        after = {c.id: c for c in bundle.concepts}
        assert set(after) == set(before)
        for ident, concept in before.items():
            again = after[ident]
            assert (again.label, again.definition, set(again.alt_labels), again.broader) == (
                concept.label,
                concept.definition,
                set(concept.alt_labels),
                concept.broader,
            )
        assert {(e.concept, e.prerequisite) for e in bundle.prerequisites} == {
            (e.concept, e.prerequisite) for e in kg.export_bundle("arith").prerequisites
        }
        report = kg.import_bundle(bundle, replace_existing=True)
        assert report.dangling == []
        assert report.counts["concepts"] == 5
        assert kg.concept("sub").label == "Subtraction"
        assert kg.projection.materials_of("add")  # the materials stay linked to the concepts they were on

    def test_every_alt_label_survives(self) -> None:
        labels = ("one", "two", "three")
        bundle = CurriculumBundle(
            (Curriculum("c", "C"),), (Concept("x", "X", "An x.", alt_labels=labels, curriculum="c"),)
        )
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(bundle)
        package = _package(kg, "c")
        item = next(iter(_items(package).values()))
        assert item["alternativeLabel"] == "one"
        assert item["conceptKeywords"] == ["three", "two"]
        assert set(parse_case_package(package, "x").concepts[0].alt_labels) == set(labels)

    def test_links_to_another_curriculum_find_their_concept(self) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(
            CurriculumBundle(
                (Curriculum("base", "Base"), Curriculum("next", "Next")),
                (Concept("a", "A", curriculum="base"), Concept("b", "B", broader=("a",), curriculum="next")),
                (Prerequisite("b", "a"),),
            )
        )
        bundle = read_text(export_text(kg, "case", "next"), "case")
        assert [c.id for c in bundle.concepts] == ["b"]
        assert bundle.concepts[0].broader == ("a",)
        assert [(e.concept, e.prerequisite) for e in bundle.prerequisites] == [("b", "a")]
        assert kg.import_bundle(bundle, replace_existing=True).dangling == []

    def test_the_demo_curriculum(self) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(read_curriculum_csv(ROOT / "demo" / "curriculum"))
        package = _package(kg, "algebra")
        assert len(_associations(package, "precedes")) == len(kg.export_bundle("algebra").prerequisites)
        fresh = KnowledgeGraph(open_store("memory"))
        fresh.import_bundle(parse_case_package(package, "demo.json"))
        assert {c.id for c in fresh.export_bundle("algebra").concepts} == {
            c.id for c in kg.export_bundle("algebra").concepts
        }
        # exported again from the re-imported store: the same package
        assert _package(fresh, "algebra") == package


@pytest.mark.parametrize("path", [TEKS_MATH, OPENSALT, FIXTURES / "Ordering.json"], ids=lambda p: p.name)
def test_a_case_framework_goes_out_as_it_came_in(path: Path) -> None:
    """CASE in, CASE out, CASE in again: the same graph (identifiers, URIs, codes, types kept)."""
    if not path.exists():
        pytest.skip(f"{path} is missing (../shared/data/standards)")
    bundle = read_case(path)
    curriculum = bundle.curricula[0].id
    first = KnowledgeGraph(open_store("memory"))
    first.import_bundle(bundle)
    package = _package(first, curriculum)
    again = KnowledgeGraph(open_store("memory"))
    again.import_bundle(parse_case_package(package, "export.json"))
    assert isomorphic(first.export_graph(curriculum), again.export_graph(curriculum))
    source = json.loads(path.read_text(encoding="utf-8"))
    exported = {str(i["identifier"]).lower(): i for i in package["CFItems"]}  # type: ignore[union-attr]
    for item in source["CFItems"]:
        out = exported[item["identifier"].lower()]
        assert (
            out["fullStatement"] == " ".join(item["fullStatement"].split())
            or out["fullStatement"] == item["fullStatement"].strip()
        )
        if item.get("uri"):
            assert out["uri"] == item["uri"]
        if item.get("humanCodingScheme"):
            assert out["humanCodingScheme"] == item["humanCodingScheme"].strip()
