"""CASE export: the package's shape, and round trips through the CASE importer."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from graph.bundle import CurriculumBundle
from graph.errors import InvalidInput, NotFound
from graph.model import Concept, Curriculum, Prerequisite
from graph.repository import KnowledgeGraph
from graph.store import open_store
from graph.vocab import DCTERMS
from ingest.case import CASE_ASSOCIATION, CASE_RECORD, case_id, parse_case_package, read_case
from ingest.case_export import case_package
from ingest.csv_layout import read_curriculum_csv
from ingest.export import export_path, export_text
from ingest.formats import read_path, read_text
from tests.unit.ingest.test_case import FIXTURES, OPENSALT, TEKS_MATH

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _package(kg: KnowledgeGraph, curriculum: str) -> dict[str, object]:
    return case_package(kg.export_bundle(curriculum), curriculum, now=NOW, lookup=kg.describe_concepts)


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

    def test_ids_that_are_iris_come_back_as_they_went(self) -> None:
        # They came back as case_<hex> (the uri was read back only when it was Pathwise's own IRI), so a
        # package edited in a CASE tool and imported with --replace doubled every concept under a new id.
        scheme, one, two = "http://example.org/s", "http://example.org/c/1", "http://example.org/c/2"
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(
            CurriculumBundle(
                (Curriculum(scheme, "Scheme"),),
                (Concept(one, "One", curriculum=scheme), Concept(two, "Two", broader=(one,), curriculum=scheme)),
                (Prerequisite(two, one),),
            )
        )
        package = _package(kg, scheme)
        bundle = parse_case_package(package, "s.json")
        assert [c.id for c in bundle.curricula] == [scheme]
        assert {(c.id, c.broader) for c in bundle.concepts} == {(one, ()), (two, (one,))}
        assert [(e.concept, e.prerequisite) for e in bundle.prerequisites] == [(two, one)]
        fresh = KnowledgeGraph(open_store("memory"))
        fresh.import_bundle(bundle)
        assert _package(fresh, scheme) == package
        report = kg.import_bundle(bundle, replace_existing=True)
        assert (report.dangling, report.counts["concepts"]) == ([], 2)
        assert sorted(kg.projection.dag.nodes) == [one, two]

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

    def test_a_concept_without_a_definition_comes_back_without_one(self) -> None:
        # CASE needs a fullStatement, so the label goes there; read back, it was every such concept's definition
        # (all 835 of Junyi's, 36 of Metacademy's) (an audit).
        concepts = (Concept("x", "Fractions", curriculum="c"), Concept("y", "Ratios", "A comparison.", curriculum="c"))
        bundle = CurriculumBundle((Curriculum("c", "C"),), concepts)
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(bundle)
        back = {c.id: c.definition for c in parse_case_package(_package(kg, "c"), "c.json").concepts}
        assert back == {"x": "", "y": "A comparison."}

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

    def test_a_label_comes_back_as_written(self) -> None:
        # Khan Academy's "Multiplying and dividing rational expressions  1" (two spaces) came back with one, the
        # label written as written became its definition and an alternative label; so did a label over 100 characters
        long = "A label that runs on " + "and on " * 14 + "past the hundred characters a CASE statement is cut to"
        concepts = (
            Concept("x", "Rational expressions  1", curriculum="c"),
            Concept("y", long, "Long.", curriculum="c"),
            Concept("z", "Tabs\tkept", curriculum="c"),
        )
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(CurriculumBundle((Curriculum("c", "C"),), concepts))
        back = parse_case_package(_package(kg, "c"), "c.json")
        assert {(c.id, c.label, c.definition, c.alt_labels) for c in back.concepts} == {
            ("x", "Rational expressions  1", "", ()),
            ("y", long, "Long.", ()),
            ("z", "Tabs\tkept", "", ()),
        }

    def test_a_fresh_store_gets_the_same_turtle(self) -> None:
        # Imported into another store, a package gave its English concepts untagged labels ("Slope"@en came
        # back as "Slope"): the importer did not read the language each item states.
        turtle = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix c: <https://w3id.org/pathwise/id/concept/> .
        <https://w3id.org/pathwise/id/curriculum/geo> a skos:ConceptScheme ;
            <http://purl.org/dc/terms/title> "Geometry" .
        c:slope a skos:Concept ; skos:prefLabel "Slope"@en ; skos:definition "Rise  over run."@en ;
            skos:altLabel "gradient"@en ; skos:inScheme <https://w3id.org/pathwise/id/curriculum/geo> .
        c:pente a skos:Concept ; skos:prefLabel "Pente"@fr-CA ;
            skos:inScheme <https://w3id.org/pathwise/id/curriculum/geo> .
        c:rate a skos:Concept ; skos:prefLabel "Rate  of change" ;
            skos:inScheme <https://w3id.org/pathwise/id/curriculum/geo> ."""
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(read_text(turtle, "turtle"))
        again = KnowledgeGraph(open_store("memory"))
        again.import_bundle(read_text(export_text(kg, "case", "geo"), "case"))
        ours = {CASE_RECORD, CASE_ASSOCIATION, DCTERMS.identifier, DCTERMS.creator}  # what CASE adds, by design
        kept = Graph()
        for triple in again.export_graph("geo"):
            if triple[1] not in ours:
                kept.add(triple)
        assert isomorphic(kg.export_graph("geo"), kept)


@pytest.mark.parametrize("path", [TEKS_MATH, OPENSALT, FIXTURES / "Ordering.json"], ids=lambda p: p.name)
def test_a_case_framework_goes_out_as_it_came_in(path: Path) -> None:
    """CASE in, CASE out, CASE in again: the same graph (identifiers, URIs, codes, types kept)."""
    if not path.exists():
        pytest.skip(f"{path} is missing (../shared/data/standards)")
    bundle = read_case(path)
    curriculum = bundle.curricula[0].id
    first = KnowledgeGraph(open_store("memory"))
    first.import_bundle(bundle, allow_dangling=True)  # OpenSALT's sample precedes an item of another framework
    package = _package(first, curriculum)
    again = KnowledgeGraph(open_store("memory"))
    again.import_bundle(parse_case_package(package, "export.json"), allow_dangling=True)
    assert isomorphic(first.export_graph(curriculum), again.export_graph(curriculum))
    source = json.loads(path.read_text(encoding="utf-8"))
    exported = {k.lower(): i for k, i in _by_identifier(package["CFItems"]).items()}
    for item in source["CFItems"]:
        out = exported[item["identifier"].lower()]
        for key in ("fullStatement", "abbreviatedStatement", "alternativeLabel", "humanCodingScheme", "uri"):
            assert out.get(key) == item.get(key), key  # verbatim, whitespace included


def _imported(*paths: Path) -> KnowledgeGraph:
    """A store with CASE packages imported, in order (skips when the shared data is missing)."""
    kg = KnowledgeGraph(open_store("memory"))
    for path in paths:
        if not path.exists():
            pytest.skip(f"{path} is missing (../shared/data/standards)")
        kg.import_bundle(read_case(path), allow_dangling=True)  # a package may name another framework's items
    return kg


def _by_identifier(objects: object) -> dict[str, dict[str, object]]:
    assert isinstance(objects, list)
    return {str(o["identifier"]): o for o in objects}


DOC = "d1000000-0000-4000-8000-000000000000"
ITEM, OTHER = "11111111-0000-4000-8000-000000000001", "11111111-0000-4000-8000-000000000002"


def _tiny(item: Mapping[str, object]) -> dict[str, object]:
    """A one-framework package around ``item`` (and a second item), children of the document."""
    document = {"identifier": DOC, "uri": f"https://case.example/CFDocuments/{DOC}", "title": "Tiny", "creator": "T"}
    link = {"identifier": DOC, "uri": document["uri"], "title": "Tiny"}
    items: list[dict[str, object]] = [
        {
            "identifier": ITEM,
            "uri": f"https://case.example/CFItems/{ITEM}",
            "lastChangeDateTime": "2020-01-01T00:00:00+00:00",
            **item,
        },
        {
            "identifier": OTHER,
            "uri": f"https://case.example/CFItems/{OTHER}",
            "fullStatement": "Other.",
            "lastChangeDateTime": "2020-01-01T00:00:00+00:00",
        },
    ]
    children = [
        {
            "identifier": f"a0000000-0000-4000-8000-00000000000{n}",
            "uri": f"https://case.example/CFAssociations/{n}",
            "lastChangeDateTime": "2020-01-01T00:00:00+00:00",
            "associationType": "isChildOf",
            "originNodeURI": {"identifier": str(i["identifier"]), "uri": str(i["uri"]), "title": "x"},
            "destinationNodeURI": link,
            "sequenceNumber": n,
        }
        for n, i in enumerate(items, start=1)
    ]
    return {"CFDocument": document, "CFItems": items, "CFAssociations": children}


class TestAFrameworkGoesBackAsItCame:
    """What OpenSALT matches by identifier and orders by sequenceNumber comes back unchanged."""

    def test_teks_math_keeps_every_association_and_item_field(self) -> None:
        kg = _imported(TEKS_MATH)
        source = json.loads(TEKS_MATH.read_text(encoding="utf-8"))
        curriculum = kg.curricula()[0].id
        package = _package(kg, curriculum)
        exported = _by_identifier(package["CFAssociations"])
        assert len(source["CFAssociations"]) == len(exported) == 1515
        for association in source["CFAssociations"]:
            out = exported[association["identifier"]]
            for key in ("uri", "sequenceNumber", "lastChangeDateTime", "originNodeURI", "destinationNodeURI"):
                assert out[key] == association[key], key
        items = _by_identifier(package["CFItems"])
        for item in source["CFItems"]:
            out = items[item["identifier"]]
            for key in ("listEnumeration", "CFItemTypeURI", "language", "lastChangeDateTime"):
                assert out[key] == item[key], key
        document = package["CFDocument"]
        assert isinstance(document, dict)
        for key in ("version", "adoptionStatus", "officialSourceURL", "subjectURI", "language", "notes"):
            assert document[key] == source["CFDocument"][key], key
        assert document["lastChangeDateTime"] == source["CFDocument"]["lastChangeDateTime"]
        assert package["CFDefinitions"] == source["CFDefinitions"]

    def test_associations_whose_ends_give_identifiers_alone_all_go_back(self) -> None:
        # A lenient package (TEKS ELA) names ends by identifier only and gives associations none: every one
        # hashed alike, and 2,270 of its 2,271 hierarchy links were dropped as copies (an audit).
        package = _tiny({"fullStatement": "Count to ten."})
        child = {"identifier": "11111111-0000-4000-8000-000000000003", "fullStatement": "Count to five."}
        package["CFItems"] = [*package["CFItems"], child]  # type: ignore[list-item]
        package["CFAssociations"] = [
            {
                "associationType": "isChildOf",
                "originNodeURI": {"identifier": a},
                "destinationNodeURI": {"identifier": b},
            }
            for a, b in ((ITEM, DOC), (OTHER, DOC), (str(child["identifier"]), ITEM))
        ]
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(parse_case_package(package, "lenient.json"))
        exported = _package(kg, kg.curricula()[0].id)
        children = _associations(exported, "isChildOf")
        assert len({str(a["identifier"]) for a in children}) == len(children) == 3
        again = KnowledgeGraph(open_store("memory"))
        again.import_bundle(parse_case_package(json.loads(json.dumps(exported)), "again.json"))
        assert len(again.stored_broader()) == len(kg.stored_broader()) == 1  # the child under its item

    def test_sequence_numbers_survive(self) -> None:
        path = FIXTURES / "SequenceNumberFramework.json"
        kg = _imported(path)
        source = json.loads(path.read_text(encoding="utf-8"))
        exported = _by_identifier(_package(kg, kg.curricula()[0].id)["CFAssociations"])
        assert {a["identifier"]: a["sequenceNumber"] for a in source["CFAssociations"]} == {
            k: a["sequenceNumber"] for k, a in exported.items()
        }

    def test_a_uri_without_the_identifier_stays_the_items_uri(self) -> None:
        # The exporter guessed the uri among skos:exactMatch values by the identifier in it: this one was
        # exported under its Pathwise IRI, with an exactMatchOf to itself.
        own = "https://standards.example/math/count-to-ten"
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(parse_case_package(_tiny({"uri": own, "fullStatement": "Count to ten."}), "tiny.json"))
        package = _package(kg, kg.curricula()[0].id)
        assert _by_identifier(package["CFItems"])[ITEM]["uri"] == own
        assert _associations(package, "exactMatchOf") == []

    def test_labels_and_keywords_come_back_verbatim(self) -> None:
        item = {
            "fullStatement": "  Count to ten.",
            "abbreviatedStatement": "  Count to ten.",
            "alternativeLabel": "zählen",
            "conceptKeywords": ["numbers", "counting", "Zahlen"],
        }
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(parse_case_package(_tiny(item), "tiny.json"))
        out = _by_identifier(_package(kg, kg.curricula()[0].id)["CFItems"])[ITEM]
        assert {k: out.get(k) for k in item} == item

    def test_a_designers_change_changes_only_that_item(self) -> None:
        kg = _imported(FIXTURES / "Ordering.json")
        curriculum = kg.curricula()[0].id
        before = _by_identifier(_package(kg, curriculum)["CFItems"])
        changed = next(c for c in kg.export_bundle(curriculum).concepts if c.label.split()[0] == "H.A.MATH.GM.PF")
        kg.update_concept(replace(changed, label="H.A.MATH.GM.PF Flat shapes"))
        after = _by_identifier(_package(kg, curriculum)["CFItems"])
        [identifier] = [k for k in before if before[k] != after[k]]
        assert after[identifier]["abbreviatedStatement"] == "Flat shapes"
        assert after[identifier]["lastChangeDateTime"] == "2026-01-02T03:04:05+00:00"
        assert after[identifier]["fullStatement"] == before[identifier]["fullStatement"]
        assert before[identifier]["lastChangeDateTime"] == "2017-10-18T15:02:46+00:00"

    def test_a_translation_leaves_the_item_as_it_came(self) -> None:
        # A French alternative label became the English item's alternativeLabel, and the item went out as
        # changed today: a CASE server saw the English standard edited.
        from graph.model import Translation
        from graph.translations import set_translation

        kg = _imported(FIXTURES / "Ordering.json")
        curriculum = kg.curricula()[0].id
        before = _by_identifier(_package(kg, curriculum)["CFItems"])
        concept = next(c for c in kg.export_bundle(curriculum).concepts if c.label.split()[0] == "H.A.MATH.GM.PF")
        set_translation(kg, concept.id, Translation("fr-CA", "Formes planes", alt_labels=("attributs",)))
        assert _by_identifier(_package(kg, curriculum)["CFItems"]) == before
        package = _package(kg, curriculum)
        kg.import_bundle(parse_case_package(package, "again.json"), replace_existing=True, allow_dangling=True)
        assert kg.translations([concept.id])[0] == [Translation("fr-CA", "Formes planes", alt_labels=("attributs",))]

    def test_a_concept_replaced_by_another_format_stays_the_same_item(self) -> None:
        # A CSV --replace dropped its records: it went out under a new identifier, and its child's
        # recorded isChildOf still named the old one, an item no longer in the package.
        kg = _imported(FIXTURES / "Ordering.json")
        curriculum = kg.curricula()[0].id
        parent = next(c for c in kg.export_bundle(curriculum).concepts if c.label.split()[0] == "H.A.MATH.GM")
        kg.import_bundle(
            CurriculumBundle(concepts=(replace(parent, label="Geo edited", alt_labels=()),)), replace_existing=True
        )
        package = _package(kg, curriculum)
        items = _by_identifier(package["CFItems"])
        identifier = str(uuid.UUID(parent.id.removeprefix("case_")))
        assert items[identifier]["abbreviatedStatement"] == "Geo edited"
        children = [
            a for a in _associations(package, "isChildOf") if a["destinationNodeURI"]["identifier"] == identifier
        ]  # type: ignore[index]
        assert children, "its children still point at it"
        for child in children:
            assert child["destinationNodeURI"]["uri"] == items[identifier]["uri"]  # type: ignore[index]

    def test_a_removed_prerequisite_drops_its_association_and_an_exemplar_stays(self) -> None:
        kg = _imported(OPENSALT)
        curriculum = kg.curricula()[0].id
        source = json.loads(OPENSALT.read_text(encoding="utf-8"))
        recorded = {a["identifier"]: a for a in source["CFAssociations"]}
        before = _by_identifier(_package(kg, curriculum)["CFAssociations"])
        assert set(before) == set(recorded)
        labels = {c.label.split()[0]: c.id for c in kg.export_bundle(curriculum).concepts}
        kg.remove_prerequisite(labels["CCSS.Math.Content.6.RP.A.2"], labels["CCSS.Math.Content.6.RP.A.1"])
        after = _by_identifier(_package(kg, curriculum)["CFAssociations"])
        [gone] = set(before) - set(after)
        assert recorded[gone]["associationType"] == "precedes"
        codes = {i["identifier"]: i["humanCodingScheme"] for i in source["CFItems"]}
        assert codes[recorded[gone]["originNodeURI"]["identifier"]] == "CCSS.Math.Content.6.RP.A.1"
        exemplars = [k for k, a in recorded.items() if a["associationType"] == "exemplar"]
        assert len(exemplars) == 2
        assert set(exemplars) <= set(after)  # a type Pathwise does not model goes back as it came
        for identifier in set(after):
            assert after[identifier] == before[identifier]  # every other association as it was

    def test_a_prerequisite_in_another_case_curriculum_is_named_by_its_case_identifier(self) -> None:
        kg = _imported(FIXTURES / "Ordering.json", FIXTURES / "SequenceNumberFramework.json")
        ordering, sequence = (c.id for c in sorted(kg.curricula(), key=lambda c: c.title))
        first = json.loads((FIXTURES / "Ordering.json").read_text(encoding="utf-8"))["CFItems"][0]
        needed = next(c for c in kg.export_bundle(ordering).concepts if c.id == case_id(first["identifier"]))
        needing = kg.export_bundle(sequence).concepts[0]
        kg.add_prerequisite(needing.id, needed.id)
        [precedes] = _associations(_package(kg, sequence), "precedes")
        origin = precedes["originNodeURI"]
        assert isinstance(origin, dict)
        assert (origin["identifier"], origin["uri"]) == (first["identifier"], first["uri"])
        assert origin["title"] == first["humanCodingScheme"]
        again = read_text(export_text(kg, "case", sequence), "case")
        assert [(e.concept, e.prerequisite) for e in again.prerequisites] == [(needing.id, needed.id)]

    def test_a_pathwise_curriculum_orders_children_prerequisites_first_then_by_label(self) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(
            CurriculumBundle(
                (Curriculum("c", "C"),),
                (
                    Concept("p", "Parent", curriculum="c"),
                    Concept("g", "Gamma", broader=("p",), curriculum="c"),
                    Concept("a", "Alpha", broader=("p",), curriculum="c"),
                    Concept("b", "Beta", broader=("p",), curriculum="c"),
                ),
                (Prerequisite("a", "b"),),
            )
        )
        package = _package(kg, "c")
        titles = {str(i["identifier"]): str(i["fullStatement"]) for i in _items(package).values()}
        under = {
            titles[a["originNodeURI"]["identifier"]]: a["sequenceNumber"]  # type: ignore[index]
            for a in _associations(package, "isChildOf")
        }
        assert under == {"Parent": 1, "Beta": 1, "Alpha": 2, "Gamma": 3}
        again = KnowledgeGraph(open_store("memory"))
        again.import_bundle(parse_case_package(package, "c.json"))
        assert _package(again, "c") == package  # read back, the order is recorded and goes out the same

    def test_children_sort_by_label_as_a_reader_would(self) -> None:
        # Code points put "Álgebra" after "Trigonométrie" and "b" after "Z".
        kg = KnowledgeGraph(open_store("memory"))
        labels = ["Trigonométrie", "Álgebra", "Géométrie", "beta", "Zeta"]
        kg.import_bundle(
            CurriculumBundle(
                (Curriculum("c", "C"),),
                tuple(Concept(f"k{n}", label, curriculum="c") for n, label in enumerate(labels)),
            )
        )
        package = _package(kg, "c")
        titles = {str(i["identifier"]): str(i["fullStatement"]) for i in _items(package).values()}
        order = sorted(_associations(package, "isChildOf"), key=lambda a: int(a["sequenceNumber"]))  # type: ignore[call-overload]
        assert [titles[a["originNodeURI"]["identifier"]] for a in order] == [  # type: ignore[index]
            "Álgebra", "beta", "Géométrie", "Trigonométrie", "Zeta"
        ]  # fmt: skip

    def test_a_deleted_parent_leaves_no_association_to_it(self) -> None:
        kg = _imported(FIXTURES / "Ordering.json")
        curriculum = kg.curricula()[0].id
        parent = next(c for c in kg.export_bundle(curriculum).concepts if c.label.split()[0] == "H.A.MATH.GM.PF")
        kg.delete_concept(parent.id)
        package = _package(kg, curriculum)
        document = package["CFDocument"]
        assert isinstance(document, dict)
        named = {document["identifier"], *_by_identifier(package["CFItems"])}
        for association in _associations(package, "isChildOf"):
            assert association["originNodeURI"]["identifier"] in named  # type: ignore[index]
            assert association["destinationNodeURI"]["identifier"] in named  # type: ignore[index]
        assert len(_associations(package, "isChildOf")) == len(named) - 1  # one parent each

    def test_a_deleted_concept_leaves_no_association_that_names_it(self) -> None:
        kg = _imported(OPENSALT)
        curriculum = kg.curricula()[0].id
        source = json.loads(OPENSALT.read_text(encoding="utf-8"))
        ends = {
            a["originNodeURI"]["identifier"]: a["destinationNodeURI"]["identifier"]
            for a in source["CFAssociations"]
            if a["associationType"] == "precedes"
        }
        # a concept that one precedes leads to and another leaves from: both records name it
        middle = next(d for d in ends.values() if d in ends)
        before = _by_identifier(_package(kg, curriculum)["CFAssociations"])
        kg.delete_concept(case_id(middle))
        package = _package(kg, curriculum)
        after = _by_identifier(package["CFAssociations"])
        named = {
            str(end["identifier"]) for a in after.values() for end in (a["originNodeURI"], a["destinationNodeURI"])
        }  # type: ignore[index]
        assert middle not in named
        gone = set(before) - set(after)
        assert {before[g]["associationType"] for g in gone} >= {"precedes", "isChildOf"}
        assert all(after[k] == before[k] for k in after)  # the rest as they were


def test_an_item_says_the_language_of_its_concepts_own_label() -> None:
    # A French curriculum's items went out with no language: a CASE reader took them for English.
    kg = KnowledgeGraph(open_store("memory"))
    turtle = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    <https://w3id.org/pathwise/id/curriculum/fr> a skos:ConceptScheme ; <http://purl.org/dc/terms/title> "Maths" .
    <https://w3id.org/pathwise/id/concept/sub> a skos:Concept ; skos:prefLabel "La soustraction"@fr-CA ;
        skos:inScheme <https://w3id.org/pathwise/id/curriculum/fr> ."""
    kg.import_bundle(read_text(turtle, "turtle"))
    [item] = _package(kg, "fr")["CFItems"]  # type: ignore[misc]
    assert item["language"] == "fr-CA"
