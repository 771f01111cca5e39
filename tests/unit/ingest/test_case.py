"""Tests of the CASE importer: a hand-written package, malformed input, and the real packages by path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.ids import is_valid_id
from graph.projection import Projection
from graph.validation import check_bundle
from ingest.case import LABEL_LIMIT, case_id, parse_case_package, read_case
from ingest.errors import MalformedInput
from tests.conftest import DATA as SHARED_DATA

DATA = SHARED_DATA / "standards" / "case"
TEKS_MATH = DATA / "curriculum-copilot-teks" / "teks_math_OFFICIAL.json"
TEKS_ELA = DATA / "curriculum-copilot-teks" / "teks_ela_case.json"
OPENSALT = DATA / "opensalt" / "sample-files" / "opensalt-framework-20c5134f-423d-4097-a971-3dd5152bf507.json"
FIXTURES = DATA / "opensalt" / "tests_data"

DOC = "d0000000-0000-0000-0000-000000000000"
A, B, C = (f"00000000-0000-0000-0000-00000000000{i}" for i in (1, 2, 3))
OUTSIDE = "99999999-0000-0000-0000-000000000000"


def _link(identifier: str) -> dict[str, str]:
    return {"identifier": identifier, "uri": f"https://server/ims/case/v1p0/CFItems/{identifier}", "title": "x"}


def _association(kind: str, origin: str, destination: str, identifier: str = "") -> dict[str, object]:
    association: dict[str, object] = {
        "associationType": kind,
        "originNodeURI": _link(origin),
        "destinationNodeURI": _link(destination),
    }
    if identifier:
        association["identifier"] = identifier
    return association


def _package() -> dict[str, object]:
    return {
        "CFDocument": {"identifier": DOC, "title": "Tiny Framework", "description": "For tests"},
        "CFItems": [
            {"identifier": A, "humanCodingScheme": "T.1", "fullStatement": "Count to ten."},
            {
                "identifier": B,
                "humanCodingScheme": "T.1.a",
                "fullStatement": "Add within ten.",
                "alternativeLabel": "Add",
            },
            {"identifier": C, "fullStatement": "word " * 60},
        ],
        "CFAssociations": [
            _association("isChildOf", A, DOC, "as-1"),
            _association("isChildOf", B, A, "as-2"),
            _association("isChildOf", C, A, "as-3"),
            _association("precedes", A, B, "as-4"),
            _association("precedes", B, OUTSIDE, "as-5"),
            _association("precedes", A, C),
            _association("exactMatchOf", A, OUTSIDE, "as-6"),
            _association("isRelatedTo", B, C, "as-7"),
        ],
    }


class TestCaseId:
    def test_uuid_becomes_a_slug(self) -> None:
        assert case_id(DOC) == "case_d0000000000000000000000000000000"
        assert case_id(A.upper()) == case_id(A)

    def test_other_identifiers_become_valid_distinct_ids(self) -> None:
        assert is_valid_id(case_id("not a uuid"))
        assert is_valid_id(case_id("%%%"))
        assert case_id("not a uuid") != case_id("not_a_uuid")


class TestParseCasePackage:
    def test_document_and_items(self) -> None:
        bundle = parse_case_package(_package(), "tiny.json")
        [curriculum] = bundle.curricula
        assert (curriculum.id, curriculum.title, curriculum.description) == (
            case_id(DOC),
            "Tiny Framework",
            "For tests",
        )
        a, b, c = bundle.concepts
        assert (a.id, a.label, a.definition, a.alt_labels) == (
            case_id(A),
            "T.1 Count to ten.",
            "Count to ten.",
            ("T.1",),
        )
        assert b.alt_labels == ("T.1.a", "Add")
        assert all(concept.curriculum == curriculum.id for concept in bundle.concepts)
        assert len(c.label) <= LABEL_LIMIT
        assert c.label.endswith("…")
        assert c.definition == ("word " * 60).strip()
        assert c.alt_labels == ()

    def test_an_item_language_that_is_no_tag_is_read_with_none_and_said(self) -> None:
        # "en_GB" was ignored without a word: the label stored untagged, the value kept only in the record.
        package = _package()
        items = package["CFItems"]
        assert isinstance(items, list)
        items[0]["language"], items[1]["language"] = "en_GB", "en-gb"
        bundle = parse_case_package(package, "tiny.json")
        assert bundle.warnings == (
            "tiny.json: CFItems[0]: language 'en_GB' is not a BCP 47 language tag: did you mean 'en-GB'?; "
            "its text is read with no language",
        )
        assert (case_id(A), "label") not in bundle.own_languages
        assert bundle.own_languages[case_id(B), "label"] == "en-GB"

    def test_is_child_of_becomes_broader(self) -> None:
        a, b, c = parse_case_package(_package(), "tiny.json").concepts
        assert a.broader == ()  # a child of the document itself is a top-level item
        assert b.broader == (case_id(A),)
        assert c.broader == (case_id(A),)

    def test_precedes_becomes_a_prerequisite_of_the_destination(self) -> None:
        edges = parse_case_package(_package(), "tiny.json").prerequisites
        assert [(e.concept, e.prerequisite, e.strength, e.provenance) for e in edges] == [
            (case_id(B), case_id(A), 1.0, "case:precedes:as-4"),
            (case_id(OUTSIDE), case_id(B), 1.0, "case:precedes:as-5"),
            (case_id(C), case_id(A), 1.0, "case:precedes"),
        ]

    def test_outside_references_surface_as_dangling(self) -> None:
        _, report = check_bundle(parse_case_package(_package(), "tiny.json"), Projection(), allow_dangling=True)
        [line] = report.dangling  # with a "did you mean" of the package's ids
        assert line.startswith(
            f"prerequisite {case_id(OUTSIDE)} -> {case_id(B)} ({case_id(OUTSIDE)} requires {case_id(B)}): "
            f"unknown {case_id(OUTSIDE)}"
        )

    def test_missing_document_and_items(self) -> None:
        with pytest.raises(MalformedInput) as caught:
            parse_case_package({"CFAssociations": []}, "p.json")
        assert [(p.source, p.location) for p in caught.value.where] == [("p.json", "CFDocument"), ("p.json", "CFItems")]

    def test_every_bad_record_is_listed(self) -> None:
        package = _package()
        package["CFItems"] = [{"identifier": A, "fullStatement": "ok"}, {"fullStatement": "no id"}, {"identifier": B}]
        package["CFAssociations"] = [
            {"originNodeURI": _link(A)},
            {"associationType": "precedes", "originNodeURI": "http://a", "destinationNodeURI": _link(B)},
            {"associationType": "exemplar", "originNodeURI": "anything goes"},
        ]
        with pytest.raises(MalformedInput) as caught:
            parse_case_package(package, "p.json")
        assert [p.location for p in caught.value.where] == [
            "CFItems[1]",
            "CFItems[2]",
            "CFAssociations[0]",
            "CFAssociations[1]",
        ]

    def test_an_identifier_given_twice_names_both_items(self) -> None:
        # it was refused as "concept 'case_i1_3795b54c' appears 2 times", an id the package never wrote
        package = _package()
        items = package["CFItems"]
        assert isinstance(items, list)
        items.append({**items[0], "fullStatement": "again"})
        with pytest.raises(MalformedInput) as caught:
            parse_case_package(package, "p.json")
        assert [(p.location, p.reason) for p in caught.value.where] == [
            (f"CFItems[{len(items) - 1}]", f"identifier {A!r} is CFItems[0]'s too")
        ]

    def test_a_change_time_that_is_no_date_and_time_is_named_by_its_path(self) -> None:
        # "not a date" was imported and exported again as it was, failing CASE 1.0's schema (format: date-time)
        package = _package()
        items = package["CFItems"]
        assert isinstance(items, list)
        items[1] = {**items[1], "lastChangeDateTime": "not a date"}
        items[2] = {**items[2], "lastChangeDateTime": "2017-01-31T10:00:00"}  # OpenSALT's older, read as UTC
        with pytest.raises(MalformedInput) as caught:
            parse_case_package(package, "p.json")
        assert [(p.location, p.reason) for p in caught.value.where] == [
            (
                "CFItems[1].lastChangeDateTime",
                '"not a date" is no date and time (such as 2024-05-01T10:00:00+00:00)',
            )
        ]


class TestReadCase:
    def test_tiny_package(self, tmp_path: Path) -> None:
        path = tmp_path / "tiny.json"
        path.write_text(json.dumps(_package(), indent=2), encoding="utf-8")
        assert read_case(path).counts() == {"curricula": 1, "concepts": 3, "prerequisites": 3, "materials": 0}

    def test_malformed_json_has_line_and_column(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.json"
        path.write_text('{\n  "CFDocument": {\n    "identifier": "x",,\n  }\n}\n', encoding="utf-8")
        with pytest.raises(MalformedInput) as caught:
            read_case(path)
        [problem] = caught.value.where
        assert (problem.source, problem.location) == (str(path), "line 3, column 23")  # the second comma

    def test_top_level_must_be_an_object(self, tmp_path: Path) -> None:
        path = tmp_path / "list.json"
        path.write_text("[]", encoding="utf-8")
        with pytest.raises(MalformedInput):
            read_case(path)

    @pytest.mark.skipif(not TEKS_MATH.is_file(), reason=f"CASE data not at {TEKS_MATH}")
    def test_real_teks_math(self) -> None:
        bundle = read_case(TEKS_MATH)
        assert bundle.counts() == {"curricula": 1, "concepts": 1515, "prerequisites": 0, "materials": 0}
        assert bundle.curricula[0].id == "case_bc997e247f3b5df0a0cd3a8ac9cf0e2e"
        # 1,515 isChildOf, 3 of them to the document: a tree of 1,512 broader links.
        assert sum(len(c.broader) for c in bundle.concepts) == 1512
        _, report = check_bundle(bundle, Projection())
        assert report.dangling == []

    @pytest.mark.skipif(not TEKS_ELA.is_file(), reason=f"CASE data not at {TEKS_ELA}")
    def test_real_minimal_teks_ela(self) -> None:
        bundle = read_case(TEKS_ELA)
        assert len(bundle.concepts) == 2271
        assert sum(len(c.broader) for c in bundle.concepts) == 2268

    @pytest.mark.skipif(not OPENSALT.is_file(), reason=f"CASE data not at {OPENSALT}")
    def test_real_opensalt_sample_precedes(self) -> None:
        bundle = read_case(OPENSALT)
        assert len(bundle.concepts) == 16
        labels = {c.id: c.label.split()[0] for c in bundle.concepts}
        edges = {(labels.get(e.prerequisite), labels.get(e.concept)) for e in bundle.prerequisites}
        assert edges == {
            ("CCSS.Math.Content.6.RP.A.1", "CCSS.Math.Content.6.RP.A.2"),
            ("CCSS.Math.Content.6.RP.A.3", "CCSS.Math.Content.7.RP.A.3"),
            ("CCSS.Math.Content.6.RP.A.2", None),  # points outside the package
        }
        assert all(e.provenance.startswith("case:precedes:") for e in bundle.prerequisites)
        _, report = check_bundle(bundle, Projection(), allow_dangling=True)
        assert len(report.dangling) == 1
        assert report.cycles == []

    @pytest.mark.skipif(not FIXTURES.is_dir(), reason=f"CASE data not at {FIXTURES}")
    def test_real_opensalt_fixtures(self) -> None:
        counts = {path.name: len(read_case(path).concepts) for path in sorted(FIXTURES.glob("*.json"))}
        assert counts["Ordering.json"] == 28
        assert counts["EmptyExternalFramework.json"] == 0
        assert len(counts) == 8


def test_an_upload_with_a_byte_order_mark_reads_as_the_file_does() -> None:
    # The CLI reads utf-8-sig; importCurriculum's content kept the mark: "Unexpected UTF-8 BOM".
    from ingest.formats import read_text

    text = json.dumps(_package())
    assert read_text("\ufeff" + text, "case") == read_text(text, "case")


def test_an_import_keeps_what_maps_back_to_the_framework() -> None:
    # The ids are case_<hex>: an export had nothing to match back to the CASE source, and exactMatchOf and
    # isRelatedTo associations were dropped without a word.
    from rdflib import Literal, URIRef

    from graph.ids import iri_of
    from graph.vocab import DCTERMS, SKOS

    package = _package()
    package["CFItems"][0] |= {"uri": f"https://server/ims/case/v1p0/CFItems/{A}", "CFItemType": "Standard"}  # type: ignore[index]
    bundle = parse_case_package(package, "tiny.json")
    assert bundle.extra is not None
    a, b, c = (iri_of("concept", case_id(i)) for i in (A, B, C))
    assert (a, DCTERMS.identifier, Literal(A)) in bundle.extra
    assert (a, SKOS.exactMatch, URIRef(f"https://server/ims/case/v1p0/CFItems/{A}")) in bundle.extra
    assert (a, DCTERMS.type, Literal("Standard")) in bundle.extra
    assert (a, SKOS.notation, Literal("T.1")) in bundle.extra
    assert (iri_of("curriculum", case_id(DOC)), DCTERMS.identifier, Literal(DOC)) in bundle.extra
    assert (b, SKOS.related, c) in bundle.extra  # isRelatedTo, inside the package
    assert (a, SKOS.exactMatch, URIRef(f"https://server/ims/case/v1p0/CFItems/{OUTSIDE}")) in bundle.extra


def test_the_whole_package_is_kept_as_records() -> None:
    # An export had only what the model holds: association identifiers, sequenceNumbers, listEnumeration,
    # item type URIs, exemplar associations... were gone, and OpenSALT rebuilt the framework from scratch.
    from graph.ids import iri_of
    from ingest.case import CASE_ASSOCIATION, CASE_DEFINITIONS, CASE_RECORD

    package = _package()
    package["CFItems"][0] |= {"listEnumeration": "1", "lastChangeDateTime": "2017-05-25T18:05:33"}  # type: ignore[index]
    package["CFDefinitions"] = {"CFItemTypes": [{"identifier": DOC, "title": "Standard"}]}
    package["CFAssociations"] += [  # type: ignore[operator]
        _association("exemplar", A, OUTSIDE, "as-8") | {"sequenceNumber": "3"},
        _association("exactMatchOf", OUTSIDE, B, "as-9"),
    ]
    bundle = parse_case_package(package, "tiny.json")
    assert bundle.extra is not None
    scheme = iri_of("curriculum", case_id(DOC))
    a = iri_of("concept", case_id(A))

    def records(subject: object, predicate: object) -> list[dict[str, object]]:
        return [json.loads(str(o)) for o in bundle.extra.objects(subject, predicate)]  # type: ignore[union-attr,arg-type]

    [item] = records(a, CASE_RECORD)
    assert item["listEnumeration"] == "1"
    assert item["lastChangeDateTime"] == "2017-05-25T18:05:33+00:00"  # CASE 1.0 wants an offset: read as UTC
    assert records(scheme, CASE_RECORD) == [package["CFDocument"]]
    assert records(scheme, CASE_DEFINITIONS) == [package["CFDefinitions"]]
    on_a = {r.get("identifier"): r for r in records(a, CASE_ASSOCIATION)}
    assert set(on_a) == {"as-1", "as-4", None, "as-6", "as-8"}  # what starts at A lives on A, and goes with it
    assert on_a["as-8"]["sequenceNumber"] == 3
    assert on_a["as-8"]["destinationNodeURI"] == _link(OUTSIDE)  # an end outside the package, as written
    assert [r["identifier"] for r in records(scheme, CASE_ASSOCIATION)] == ["as-9"]  # its origin is outside
