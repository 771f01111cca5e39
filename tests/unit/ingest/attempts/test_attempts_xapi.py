"""xAPI statements: verbs by last IRI segment, scores, voiding, pseudonymous students, bad statements."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from ingest.attempts.xapi import (
    actor_identifier,
    default_pseudonym,
    hmac_pseudonymizer,
    parse_xapi,
    read_xapi,
    statement_score,
    verb_name,
)
from ingest.columns import ATTEMPT_DTYPES
from ingest.errors import MalformedInput
from tests.conftest import DATA

XAPI = DATA / "standards" / "xapi"
needs_data = pytest.mark.skipif(not XAPI.is_dir(), reason=f"xAPI samples not at {XAPI}")

ALICE = "mailto:alice@example.org"
ALICE_SHA1 = hashlib.sha1(ALICE.encode()).hexdigest()
ADL = "http://adlnet.gov/expapi/verbs/"


def stmt(
    ident: str | None,
    verb: str,
    obj: str = "http://example.org/q1",
    *,
    actor: dict[str, Any] | None = None,
    result: dict[str, Any] | None = None,
    timestamp: str | None = "2024-01-01T10:00:00Z",
) -> dict[str, Any]:
    s: dict[str, Any] = {
        "actor": actor or {"mbox": ALICE, "name": "Alice Example"},
        "verb": {"id": verb},
        "object": {"id": obj, "objectType": "Activity"},
    }
    if ident:
        s["id"] = ident
    if result is not None:
        s["result"] = result
    if timestamp:
        s["timestamp"] = timestamp
    return s


def lines(*statements: dict[str, Any]) -> str:
    return "\n".join(json.dumps(s) for s in statements) + "\n"


def test_answer_verbs_are_matched_by_their_last_segment_in_any_namespace() -> None:
    text = lines(
        stmt("a1", ADL + "answered", result={"success": True}),
        stmt("a2", "https://w3id.org/xapi/dod-isd/verbs/answered", result={"success": False}),
        stmt("a3", "https://xapinet.org/kokea-concepts/verbs/passed"),
        stmt("a4", "https://xapinet.org/dave/verbs/failed"),
        stmt("a5", ADL + "completed", result={"score": {"scaled": 0.8}}),
        stmt("a6", "https://w3id.org/xapi/video/verbs/played"),
        stmt("a7", ADL + "attempted", result={"success": True}),
    )
    frame, report = parse_xapi(text, "log.jsonl")
    assert frame["attempt_id"].tolist() == ["a1", "a2", "a3", "a4", "a5"]
    assert frame["correct"].tolist() == [1.0, 0.0, 1.0, 0.0, 0.8]
    assert frame["attempt"].tolist() == [0, 1, 2, 3, 4]
    assert report.statements == 7
    assert report.used == 5
    assert report.skipped == {"not an answer verb": 2}
    assert report.other_verbs == {"played": 1, "attempted": 1}
    assert {c: str(t) for c, t in frame.dtypes.items()} == ATTEMPT_DTYPES


def test_voiding_removes_its_target_wherever_it_is() -> None:
    void = {"actor": {"mbox": "mailto:teacher@example.org"}, "verb": {"id": ADL + "voided"}}
    text = lines(
        {**void, "id": "v1", "object": {"objectType": "StatementRef", "id": "A2"}},  # before its target
        stmt("a1", ADL + "answered", result={"success": True}),
        stmt("a2", ADL + "answered", result={"success": False}),
        stmt("a3", ADL + "answered", result={"success": False}),
        {**void, "id": "v2", "object": {"objectType": "StatementRef", "id": "a3"}},  # after it
        {**void, "id": "v3", "object": {"objectType": "StatementRef", "id": "elsewhere"}},
    )
    frame, report = parse_xapi(text, "log.jsonl")
    assert frame["attempt_id"].tolist() == ["a1"]
    assert (report.voided, report.voiding, report.void_targets_missing) == (2, 3, 1)


def test_mbox_and_its_sha1sum_are_one_student_and_no_raw_identifier_leaks() -> None:
    text = lines(
        stmt("a1", ADL + "answered", result={"success": True}),
        stmt("a2", ADL + "answered", actor={"mbox_sha1sum": ALICE_SHA1.upper()}, result={"success": True}),
        stmt(
            "a3",
            ADL + "answered",
            actor={"account": {"homePage": "https://lms.example.org", "name": "bob-4711"}},
            result={"success": True},
        ),
    )
    frame, report = parse_xapi(text, "log.jsonl")
    students = frame.groupby("attempt_id")["student"].first()
    assert students["a1"] == students["a2"] != students["a3"]
    assert students["a1"] == default_pseudonym(f"mbox_sha1sum:{ALICE_SHA1}")
    dumped = frame.to_csv() + json.dumps(report.__dict__)
    for raw in ("alice", "Alice", ALICE_SHA1, ALICE_SHA1.upper(), "bob-4711", "lms.example.org"):
        assert raw not in dumped


def test_a_keyed_pseudonym_differs_by_key() -> None:
    text = lines(stmt("a1", ADL + "answered", result={"success": True}))
    one, _ = parse_xapi(text, "l", pseudonymize=hmac_pseudonymizer(b"k1"))
    two, _ = parse_xapi(text, "l", pseudonymize=hmac_pseudonymizer(b"k2"))
    assert one["student"].iloc[0] != two["student"].iloc[0]
    assert one["student"].iloc[0].startswith("xapi-")


def test_items_map_to_concepts_and_unmapped_items_give_an_empty_concept() -> None:
    text = lines(
        stmt("a1", ADL + "answered", "http://example.org/q1", result={"success": True}),
        stmt("a2", ADL + "answered", "http://example.org/q2", result={"success": False}),
    )
    frame, _ = parse_xapi(text, "l", item_concepts={"http://example.org/q1": ["add", "sub"]})
    assert frame[["attempt", "item", "concept"]].values.tolist() == [
        [0, "http://example.org/q1", "add"],
        [0, "http://example.org/q1", "sub"],
        [1, "http://example.org/q2", ""],
    ]


def test_order_is_by_time_and_ids_are_deterministic_without_an_id() -> None:
    later = stmt(None, ADL + "answered", result={"success": True}, timestamp="2024-01-02T00:00:00Z")
    earlier = stmt(None, ADL + "answered", result={"success": False}, timestamp="2024-01-01T00:00:00+02:00")
    frame, _ = parse_xapi(json.dumps([later, earlier]), "arr.json")
    assert frame["correct"].tolist() == [0.0, 1.0]
    again, _ = parse_xapi(json.dumps([later, earlier]), "arr.json")
    assert frame["attempt_id"].tolist() == again["attempt_id"].tolist()
    assert all(len(i) == 64 for i in frame["attempt_id"])


def test_duplicates_and_unscored_answers_are_skipped_and_counted() -> None:
    text = lines(
        stmt("a1", ADL + "answered", result={"success": True}),
        stmt("a1", ADL + "answered", result={"success": True}),
        stmt("a2", ADL + "completed", result={"completion": True}),
        {**stmt("a3", ADL + "answered"), "object": {"objectType": "Agent", "mbox": "mailto:x@example.org"}},
    )
    frame, report = parse_xapi(text, "l")
    assert len(frame) == 1
    assert report.skipped == {
        "duplicate statement id": 1,
        "no success or score": 1,
        "object is not an activity": 1,
    }


def test_a_statement_id_given_twice_with_another_result_is_refused_with_its_line() -> None:
    # The second statement was skipped as a duplicate and the first kept without a word, though the
    # same statement stored by an earlier import is refused: which answer the learner gave was a guess.
    text = lines(
        stmt("a1", ADL + "answered", result={"success": True}),
        stmt("a2", ADL + "answered", result={"success": True}),
        stmt("A1", ADL + "answered", result={"success": True}, timestamp="2024-01-01T12:00:00+02:00"),  # the same
        stmt("a1", ADL + "answered", result={"success": False}),  # 4: another result
    )
    with pytest.raises(MalformedInput) as caught:
        parse_xapi(text, "log.jsonl")
    assert [p.location for p in caught.value.where] == ["line 4"]
    assert "also at line 1" in caught.value.where[0].reason


def test_every_invalid_statement_is_reported_with_its_line() -> None:
    good = stmt("a1", ADL + "answered", result={"success": True})
    no_actor = {k: v for k, v in good.items() if k != "actor"}
    no_verb = {k: v for k, v in good.items() if k != "verb"}
    text = "\n".join(
        [
            json.dumps(good),
            json.dumps(no_actor),  # 2
            "",
            json.dumps(no_verb),  # 4
            '{"actor": {"mbox": "mailto:a@x.org"}, "actor": {"mbox": "mailto:b@x.org"}}',  # 5: key twice
            "{not json",  # 6
            json.dumps({**good, "actor": {"name": "nobody"}}),  # 7: no identifier
            json.dumps({**good, "object": {"objectType": "StatementRef"}}),  # 8: StatementRef without id
            json.dumps({**good, "timestamp": "tuesday"}),  # 9
            json.dumps({**good, "actor": {"mbox": ALICE, "mbox_sha1sum": ALICE_SHA1}}),  # 10: two identifiers
            json.dumps({**good, "actor": {"mbox_sha1sum": "XYZ"}}),  # 11: no SHA-1 (`student-key` could not name it)
        ]
    )
    with pytest.raises(MalformedInput) as caught:
        parse_xapi(text, "bad.jsonl")
    assert [p.location for p in caught.value.where] == [f"line {n}" for n in (2, 4, 5, 6, 7, 8, 9, 10, 11)]
    assert "is not 40 hex digits" in caught.value.where[-1].reason
    assert all(p.source == "bad.jsonl" for p in caught.value.where)
    assert "appears twice" in caught.value.where[2].reason
    assert not any("alice" in p for p in caught.value.problems)


def test_array_problems_name_the_index() -> None:
    good = stmt("a1", ADL + "answered", result={"success": True})
    with pytest.raises(MalformedInput) as caught:
        parse_xapi(json.dumps([good, {"verb": good["verb"]}, good, 7]), "arr.json")
    assert [p.location for p in caught.value.where] == ["index 1", "index 3"]  # one line: no line tells them apart


def test_a_pretty_printed_array_names_the_line_each_statement_starts_on() -> None:
    # Most real sets are pretty-printed arrays: their problems were named by index, missing items not at all.
    good = stmt("a1", ADL + "answered", result={"success": True})
    text = json.dumps([good, {"verb": good["verb"]}, good], indent=2)
    with pytest.raises(MalformedInput) as caught:
        parse_xapi(text, "arr.json")
    starts = [n for n, line in enumerate(text.splitlines(), start=1) if line == "  {"]  # each element's brace
    assert [p.location for p in caught.value.where] == [f"line {starts[1]}"]
    frame, _ = parse_xapi(json.dumps([good], indent=2), "one.json")
    assert frame["line"].tolist() == [2]


def test_gzip_json_lines_are_read(tmp_path: Path) -> None:
    path = tmp_path / "log.json.gz"
    path.write_bytes(gzip.compress(lines(stmt("a1", ADL + "answered", result={"success": True})).encode()))
    frame, report = read_xapi(path)
    assert report.used == 1
    assert frame["source"].iloc[0] == "xapi:log.json"  # named as the log it holds, as a plain copy would be


@pytest.mark.parametrize(
    ("result", "verb", "score"),
    [
        ({"success": True, "score": {"scaled": 0.1}}, "answered", 1.0),
        ({"score": {"scaled": -0.5}}, "completed", 0.0),
        ({"score": {"scaled": 1.5}}, "completed", 1.0),
        ({"score": {"raw": 50, "min": 0, "max": 200}}, "completed", 0.25),
        ({"score": {"raw": 50}}, "completed", None),
        ({"score": {"raw": 50}}, "failed", 0.0),
        (None, "passed", 1.0),
        ({"success": "yes"}, "answered", None),
    ],
)
def test_scores(result: dict[str, Any] | None, verb: str, score: float | None) -> None:
    assert statement_score(verb, result) == score


def test_verb_names_and_identifiers() -> None:
    assert verb_name("http://activitystrea.ms/schema/1.0/submit/") == "submit"
    assert actor_identifier({"openid": "http://id.example.org/u"}) == "openid:http://id.example.org/u"
    assert actor_identifier({"mbox": "alice@example.org"}) == f"mbox_sha1sum:{ALICE_SHA1}"
    assert actor_identifier({"objectType": "Group", "member": []}) is None


@needs_data
class TestRealStatements:
    def test_dave_quiz_answers(self) -> None:
        frame, report = read_xapi(XAPI / "yetanalytics-dave/resources/public/data/dave/ds.json")
        assert report.statements == 224
        assert report.used == len(frame) == 77
        assert frame["correct"].sum() == 57
        assert frame["student"].nunique() == 4
        assert frame["attempt_id"].is_unique

    def test_kokea_verbs_in_their_own_namespace_are_used(self) -> None:
        frame, report = read_xapi(XAPI / "yetanalytics-dave/resources/public/data/kokea/kokea.json")
        assert report.statements == 385
        assert report.used > 100
        assert not frame["student"].str.contains("@").any()

    def test_video_log_has_no_answers(self) -> None:
        frame, report = read_xapi(XAPI / "openfun-ralph/data/statements.json.gz")
        assert report.statements == 22000
        assert frame.empty
        assert report.skipped["no success or score"] == 636

    @pytest.mark.parametrize(
        "name", ["no_actor", "no_object", "no_verb", "object_statementref_no_id", "multiple_actor"]
    )
    def test_invalid_conformance_templates_are_refused(self, name: str) -> None:
        with pytest.raises(MalformedInput):
            read_xapi(XAPI / f"adl-lrs-conformance-test-suite/test/v1_0_3/templates/statements/{name}.json")

    def test_the_voiding_template_voids_nothing_here(self) -> None:
        frame, report = read_xapi(XAPI / "adl-lrs-conformance-test-suite/test/v1_0_3/templates/statements/voiding.json")
        assert frame.empty
        assert (report.voiding, report.void_targets_missing) == (1, 1)


def test_json_lines_with_a_broken_first_line_still_report_each_line() -> None:
    good = json.dumps(stmt("a1", ADL + "answered", result={"success": True}))
    with pytest.raises(MalformedInput) as caught:
        parse_xapi("{broken\n" + good + "\n[1]\n", "l.jsonl")
    assert [p.location for p in caught.value.where] == ["line 1", "line 3"]


def test_a_pretty_printed_statement_is_one_statement() -> None:
    frame, report = parse_xapi(json.dumps(stmt("a1", ADL + "passed"), indent=2), "one.json")
    assert (report.statements, len(frame)) == (1, 1)


def test_a_score_outside_xapi_ranges_is_refused_with_its_line() -> None:
    # 1.7 was stored as 1.0, a raw 15 of 10 as 1.0, and "high" skipped as "no score".
    text = lines(
        stmt("s1", ADL + "answered", result={"score": {"scaled": 1.7}}),
        stmt("s2", ADL + "answered", result={"score": {"scaled": -0.4}}),  # valid xAPI: reads as 0
        stmt("s3", ADL + "answered", result={"score": {"raw": 15, "min": 0, "max": 10}}),
        stmt("s4", ADL + "answered", result={"score": {"scaled": "high"}}),
        stmt("s5", "http://example.org/verbs/experienced", result={"score": {"scaled": 9}}),  # skipped for its verb
    )
    with pytest.raises(MalformedInput) as caught:
        parse_xapi(text, "log.jsonl")
    assert [(w.location, w.reason) for w in caught.value.where] == [
        ("line 1", "result.score.scaled 1.7 is not in [-1, 1]"),
        ("line 3", "result.score.raw 15 is not between min 0 and max 10"),
        ("line 4", "result.score.scaled 'high' is not a number"),
    ]


def test_an_account_keyed_otherwise_before_a_change_of_homes_carries_its_earlier_key() -> None:
    # graph.xapi_homes: a learner stored before PATHWISE_XAPI_ACCOUNT_HOMES changed keeps the earlier key;
    # the reader names it, so an erasure or an answer stored under it is found.
    lms = {"account": {"homePage": "https://lms.example", "name": "u42"}}
    other = {"account": {"homePage": "https://other.example", "name": "u42"}}
    text = "\n".join(
        json.dumps(s)
        for s in (
            stmt("s1", "answered", actor=lms, result={"success": True}),
            stmt("s2", "answered", actor=other, result={"success": True}),
            stmt("s3", "answered", actor={"mbox": ALICE}, result={"success": True}),
        )
    )
    frame, _ = parse_xapi(
        text, "s.jsonl", pseudonymize=str, account_homes=["https://lms.example"], former_homes=[[], ["https://x"]]
    )
    assert sorted(frame["student"]) == sorted(
        ["u42", "account:https://other.example|u42", f"mbox_sha1sum:{ALICE_SHA1}"]
    )
    assert frame.attrs["former_keys"] == {"u42": ["account:https://lms.example|u42"]}
    unchanged, _ = parse_xapi(text, "s.jsonl", pseudonymize=str, account_homes=["https://lms.example"])
    assert unchanged.attrs["former_keys"] == {}


def test_an_account_name_with_a_control_character_is_reported_with_its_line() -> None:
    # a NUL in an account name was keyed as a student of its own
    account = {"account": {"homePage": "https://lms.example.org", "name": "ada\u0000"}}
    text = lines(
        stmt("a1", ADL + "answered", result={"success": True}),
        stmt("a2", ADL + "answered", result={"success": True}, actor=account),
    )
    with pytest.raises(MalformedInput) as caught:
        parse_xapi(text, "log.jsonl")
    assert [(p.location, p.reason) for p in caught.value.where] == [
        ("line 2", "actor holds a control character (U+0000)")
    ]
