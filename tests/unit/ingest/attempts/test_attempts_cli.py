"""``pathwise attempts import``: reads, checks, records once; replays add nothing."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cli.attempts import attempts
from graph.attempts import count_students
from graph.repository import KnowledgeGraph
from graph.store import open_store
from settings import load_settings
from tests.conftest import DATA

CSV = "student,item,concepts,correct,timestamp\nal,m_add_ex,add,1,2024-01-01T10:00:00Z\nal,,sub|eq,0,2024-01-02\n"


def invoke(kg: KnowledgeGraph | None, *args: str) -> Result:
    obj: dict[str, Any] = {"settings": load_settings(), "store": "memory", "kg": kg}
    return CliRunner().invoke(attempts, ["import", *args], obj=obj)


def report(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout[result.stdout.index("{") :]))


@pytest.fixture
def empty() -> KnowledgeGraph:
    return KnowledgeGraph(open_store("memory"))


def test_importing_the_same_file_twice_adds_nothing(kg: KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(CSV)
    first = report(invoke(kg, str(path), "--format", "csv", "--json"))
    assert (first["rows"], first["attempts"], first["accepted"], first["duplicates"]) == (3, 2, 2, 0)
    # with no trained model yet, the demo's (what `serve` would serve) stores estimates; there were none
    assert first["estimates"] == 3  # add, then sub and eq
    revision = kg.revision
    second = invoke(kg, str(path), "--format", "csv")
    assert second.exit_code == 0, second.output
    assert "accepted: 0  duplicates: 2" in second.output
    assert kg.revision == revision
    assert count_students(kg) == 1


def test_another_log_with_the_same_name_is_refused_not_counted_as_a_replay(kg: KnowledgeGraph, tmp_path: Path) -> None:
    (tmp_path / "june").mkdir()
    (tmp_path / "july").mkdir()
    (tmp_path / "june" / "log.csv").write_text(CSV)
    later = "student,item,concepts,correct,timestamp\nal,m_add_ex,add,0,2024-07-01T10:00:00Z\nal,,sub,1,2024-07-02\n"
    (tmp_path / "july" / "log.csv").write_text(later)
    assert report(invoke(kg, str(tmp_path / "june" / "log.csv"), "--format", "csv", "--json"))["accepted"] == 2
    revision = kg.revision
    refused = invoke(kg, str(tmp_path / "july" / "log.csv"), "--format", "csv")
    assert refused.exit_code == 1
    assert (
        "2 attempt(s) already stored under the same id with another score, time, material or concepts" in refused.output
    )
    assert kg.revision == revision
    replay = invoke(kg, str(tmp_path / "june" / "log.csv"), "--format", "csv")
    assert "accepted: 0  duplicates: 2" in replay.output


def test_unknown_concepts_are_refused_until_created(empty: KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "seq.txt"
    path.write_text("2\n3,4\n1,0\n")
    refused = invoke(empty, str(path), "--format", "dkvmn")
    assert refused.exit_code == 1
    assert "2 concept(s) not in the graph: 3 (seq.txt line 2), 4 (seq.txt line 2)" in refused.output
    assert "--create-missing" in refused.output
    assert empty.is_empty()
    created = report(invoke(empty, str(path), "--format", "dkvmn", "--create-missing", "--json"))
    assert (created["created_concepts"], created["created_materials"], created["accepted"]) == (2, 2, 2)
    assert empty.revision == 1  # the concepts, items and attempts were one write
    assert empty.material("3").assesses == ("3",)
    again = report(invoke(empty, str(path), "--format", "dkvmn", "--create-missing", "--json"))
    assert (again["created_concepts"], again["accepted"], again["duplicates"]) == (0, 0, 2)


def test_created_concepts_keep_the_log_name_as_label(empty: KnowledgeGraph, tmp_path: Path) -> None:
    (tmp_path / "skill.json").write_text('{"Box and Whisker": 1}')
    (tmp_path / "fold.csv").write_text("1,70\n1,1\n1,1\n1,0\n")
    out = report(invoke(empty, str(tmp_path / "fold.csv"), "--format", "akt", "--create-missing", "--json"))
    assert out["accepted"] == 2
    [concept] = empty.projection.sorted_concepts()
    assert empty.projection.label(concept) == "Box and Whisker"


def test_an_akt_fold_without_skill_json_beside_it_is_warned_about(empty: KnowledgeGraph, tmp_path: Path) -> None:
    # Copied alone, its skills became concepts named "1", "54"... without a word: the same log with its
    # skill.json later named them otherwise, and its attempts clashed with the stored ones.
    (tmp_path / "fold.csv").write_text("1,70\n1,1\n1,1\n1,0\n")
    said = invoke(empty, str(tmp_path / "fold.csv"), "--format", "akt", "--create-missing")
    assert said.exit_code == 0, said.output
    assert (
        f"warning: no skill.json in {tmp_path.resolve()}: the skills are concepts named by their numbers" in said.stderr
    )
    (tmp_path / "skill.json").write_text('{"Box and Whisker": 1}')
    assert "skill.json" not in invoke(empty, str(tmp_path / "fold.csv"), "--format", "akt", "--dry-run").stderr
    refused = invoke(empty, str(tmp_path / "fold.csv"), "--format", "akt", "--create-missing")
    assert refused.exit_code == 1  # the same answers, another concept: it said "with another score"
    assert "2 attempt(s) already stored under the same id with another score, time, material or concepts" in (
        refused.output
    )


def test_numeric_skill_ids_are_created_as_the_log_writes_them(empty: KnowledgeGraph, tmp_path: Path) -> None:
    # A review took "1", "01" and "1.0" for one concept (a log read through pandas as floats): ids are text here.
    (tmp_path / "log.csv").write_text("student,concepts,correct\nal,1,1\nal,01,0\nal,1.0,1\n")
    out = report(invoke(empty, str(tmp_path / "log.csv"), "--format", "csv", "--create-missing", "--json"))
    assert (out["created_concepts"], out["accepted"]) == (3, 3)
    assert {c: empty.projection.label(c) for c in empty.projection.sorted_concepts()} == {
        "01": "01",
        "1": "1",
        "1.0": "1.0",
    }
    # an index layout's tokens are indices: "01" is skill 1, as skill.json would name it, and "1.0" no index
    (tmp_path / "fold.csv").write_text("1,70\n5,6\n1,01\n1,0\n")
    akt = report(invoke(empty, str(tmp_path / "fold.csv"), "--format", "akt", "--create-missing", "--json"))
    assert (akt["created_concepts"], akt["accepted"]) == (0, 2)
    (tmp_path / "bad.csv").write_text("1,71\n5\n1.0\n1\n")
    assert "not whole numbers, e.g. '1.0'" in invoke(empty, str(tmp_path / "bad.csv"), "--format", "akt").output


def test_dry_run_writes_nothing(empty: KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "seq.txt"
    path.write_text("1\n3\n1\n")
    result = invoke(empty, str(path), "--format", "dkvmn", "--dry-run", "--create-missing")
    assert result.exit_code == 0, result.output
    assert "would import: 1 attempt(s)" in result.output
    assert "not in the graph: 1 concept(s), 1 item(s) (would be created)" in result.output
    # without --create-missing it is refused as the import would be: it said "would import" and exited 0
    without = invoke(empty, str(path), "--format", "dkvmn", "--dry-run")
    assert without.exit_code == 1
    assert "1 concept(s) not in the graph" in without.output
    assert "pass --create-missing to create them first" in without.output
    assert empty.is_empty()
    assert empty.revision == 0


def test_malformed_files_report_every_line_and_write_nothing(kg: KnowledgeGraph, tmp_path: Path) -> None:
    path, other = tmp_path / "bad.csv", tmp_path / "worse.csv"
    path.write_text("student,item,correct\ns,m_add_ex,2\ns,m_add_ex,1\ns,m_add_ex,x\n")
    other.write_text("student,item,correct\ns,m_add_ex,1\n,m_add_ex,1\n")
    revision = kg.revision
    result = invoke(kg, str(path), str(other), "--format", "csv")
    assert result.exit_code == 1
    assert f"{path}:line 2:" in result.output
    assert f"{path}:line 4:" in result.output
    assert f"{other}:line 3: empty student" in result.output  # every file is checked, not only the first
    assert kg.revision == revision


def test_a_log_whose_time_column_has_another_name_is_warned_about(kg: KnowledgeGraph, tmp_path: Path) -> None:
    # Its 'time' column was not read, without a word: the attempts were dated 1970 in file order.
    path = tmp_path / "x.csv"
    path.write_text("student,item,correct,time\nbo,m_eq,1,2024-01-02T10:00:00Z\nbo,m_eq,0,2024-01-01T10:00:00Z\n")
    said = invoke(kg, str(path), "--format", "csv", "--dry-run")
    assert said.exit_code == 0, said.output
    assert (
        "warning: x.csv has no 'timestamp' column, so its attempts are dated by line from 1970: is 'time'"
        in said.stderr
    )
    assert "pass --timestamp-column time" in said.stderr
    timed = invoke(kg, str(path), "--format", "csv", "--dry-run", "--timestamp-column", "time")
    assert (timed.exit_code, timed.stderr) == (0, "")


def test_columns_are_mapped_from_options(kg: KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("who,what,ok\nbo,m_eq,1\n")
    out = report(
        invoke(
            kg,
            str(path),
            "--format",
            "csv",
            "--student-column",
            "who",
            "--item-column",
            "what",
            "--correct-column",
            "ok",
            "--json",
        )  # fmt: skip
    )
    assert out["accepted"] == 1


def test_xapi_activities_take_the_concepts_of_their_material(kg: KnowledgeGraph, tmp_path: Path) -> None:
    statement = {
        "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
        "actor": {"mbox": "mailto:carol@example.org"},
        "verb": {"id": "https://w3id.org/xapi/dod-isd/verbs/answered"},
        "object": {"id": "m_eq"},
        "result": {"success": True},
    }
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps(statement) + "\n")
    out = report(invoke(kg, str(path), "--format", "xapi", "--json"))
    # m_eq assesses sub and teaches eq: an answer to it counts for sub, as recordAttempts counts it
    assert (out["rows"], out["attempts"], out["accepted"]) == (1, 1, 1)
    [stored] = kg_attempts(kg)
    assert stored.concepts == ("sub",)
    assert out["xapi"]["used"] == 1
    assert "carol" not in json.dumps(out)


def test_items_created_without_concepts_are_warned_about(empty: KnowledgeGraph, tmp_path: Path) -> None:
    # xAPI answers to activities --create-missing made were accepted and moved no estimate, without a word.
    statement = {
        "id": "7790e6c9-3ef0-4ed3-8b37-7f3964730bee",
        "actor": {"mbox": "mailto:dan@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": "https://lms.example/quiz/1"},
        "result": {"success": True},
        "timestamp": "2024-01-01T10:00:00Z",
    }
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps(statement) + "\n")
    result = invoke(empty, str(path), "--format", "xapi", "--create-missing")
    assert result.exit_code == 0, result.output
    assert "1 attempt(s) name no concept" in result.output
    assert "linkMaterial" in result.output


def test_without_an_injected_graph_the_store_setting_is_used(tmp_path: Path) -> None:
    path = tmp_path / "seq.txt"
    path.write_text("1\n3\n1\n")
    out = report(invoke(None, str(path), "--format", "dkvmn", "--create-missing", "--json"))
    assert out["accepted"] == 1


@pytest.mark.skipif(not (DATA / "kt" / "assist2015" / "test.csv").is_file(), reason="assist2015 not present")
def test_a_real_log_dry_run_counts_its_attempts(empty: KnowledgeGraph) -> None:
    log = str(DATA / "kt" / "assist2015" / "test.csv")
    out = report(invoke(empty, log, "--format", "pykt", "--dry-run", "--create-missing", "--json"))
    assert (out["students"], out["rows"], out["attempts"], out["missing_concepts"]) == (3818, 138458, 138458, 100)


def test_help_lists_the_formats() -> None:
    result = CliRunner().invoke(attempts, ["import", "--help"])
    assert result.exit_code == 0
    assert "[akt|csv|dkvmn|pykt|xapi]" in result.output


def test_unknown_items_are_named_with_their_first_line(kg: KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "student,item,concepts,correct\nal,m_add_ex,add,1\nbo,quiz_9,add,0\nal,quiz_9,add,1\nal,,fractions,1\n"
    )
    refused = invoke(kg, str(path), "--format", "csv")
    assert refused.exit_code == 1
    assert "1 concept(s) not in the graph: fractions (log.csv line 5)" in refused.output
    assert "1 item(s) not in the graph as materials: quiz_9 (log.csv line 3)" in refused.output


def test_a_gzipped_log_is_the_log_it_holds(kg: KnowledgeGraph, tmp_path: Path) -> None:
    plain = tmp_path / "log.csv"
    plain.write_text(CSV)
    packed = tmp_path / "packed" / "log.csv.gz"
    packed.parent.mkdir()
    packed.write_bytes(gzip.compress(CSV.encode()))
    assert report(invoke(kg, str(packed), "--format", "csv", "--json"))["accepted"] == 2
    again = report(invoke(kg, str(plain), "--format", "csv", "--json"))  # same attempt ids: a replay
    assert (again["accepted"], again["duplicates"]) == (0, 2)
    damaged = tmp_path / "damaged.csv.gz"
    damaged.write_bytes(gzip.compress(CSV.encode())[:-12])
    refused = invoke(kg, str(damaged), "--format", "csv")
    assert (refused.exit_code, "damaged.csv.gz:-: the gzip file ends early" in refused.output) == (1, True)


def test_bytes_that_are_not_utf8_are_reported_with_their_line(kg: KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes((CSV + "b\xf6,m_add_ex,add,1,2024-01-03\n").encode("latin-1"))
    refused = invoke(kg, str(path), "--format", "csv")
    assert refused.exit_code == 1
    assert "latin.csv:line 4, column 2: not UTF-8 text (byte 0xF6" in refused.output
    # With a byte-order mark (Excel's "CSV UTF-8"), the same file named line 3, another column and byte
    marked = tmp_path / "marked.csv"
    marked.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    refused = invoke(kg, str(marked), "--format", "csv")
    assert "marked.csv:line 4, column 2: not UTF-8 text (byte 0xF6" in refused.output


def test_a_moved_log_replays_as_itself_under_its_dataset_name(empty: KnowledgeGraph, tmp_path: Path) -> None:
    # pyKT names no file-independent ids: a copy in another folder was a new data set, its attempts doubled.
    text = 'fold,uid,concepts,responses\n0,7,1,1\n-1,8,"1,2","0,1"\n'
    for folder in ("assist", "copy"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "test.csv").write_text(text)
    first = report(
        invoke(empty, str(tmp_path / "assist" / "test.csv"), "--format", "pykt", "--create-missing", "--json")
    )
    assert first["accepted"] == 3
    copy = str(tmp_path / "copy" / "test.csv")
    again = report(invoke(empty, copy, "--format", "pykt", "--dataset", "assist", "--create-missing", "--json"))
    assert (again["accepted"], again["duplicates"]) == (0, 3)
    assert count_students(empty) == 2
    doubled = report(invoke(empty, copy, "--format", "pykt", "--create-missing", "--json"))
    assert (doubled["accepted"], count_students(empty)) == (3, 4)  # without it: another data set (documented)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv", "--fold", "1"], "--fold applies to pykt logs"),
        (["--format", "akt", "--student-column", "who"], "the --*-column options apply to csv logs"),
        (["--format", "csv", "--dataset", "x"], "--dataset applies to pykt, akt and dkvmn logs"),
        (["--format", "pykt", "--dataset", "a/b"], "give a name without"),
    ],
)
def test_an_option_of_another_layout_is_a_usage_error(
    empty: KnowledgeGraph, tmp_path: Path, args: list[str], message: str
) -> None:
    path = tmp_path / "log.csv"
    path.write_text(CSV)
    refused = invoke(empty, str(path), *args)
    assert (refused.exit_code, message in refused.output) == (2, True), refused.output
    assert empty.is_empty()


def test_a_log_with_no_attempts_imports_nothing_with_a_warning(kg: KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("student,item,concepts,correct,timestamp\n")
    result = CliRunner().invoke(
        attempts, ["import", str(path), "--format", "csv"], obj={"settings": load_settings(), "kg": kg}
    )
    assert result.exit_code == 0, result.output
    assert "warning: no attempts in header.csv: nothing to import" in result.stderr


def test_a_warning_names_files_of_one_name_by_their_paths(kg: KnowledgeGraph, tmp_path: Path) -> None:
    # Moodle's logstore_xapi writes each event to a statements.json of its own folder: 171 files were
    # warned about as "statements.json, statements.json, ..." 171 times over.
    files = []
    for folder in "abcdefg":
        (tmp_path / folder).mkdir()
        files.append(tmp_path / folder / "statements.json")
        files[-1].write_text("[]")
    result = invoke(kg, *map(str, files), "--format", "xapi")
    assert result.exit_code == 0, result.output
    shown = ", ".join(str(f) for f in files[:5])
    assert f"warning: no attempts in {shown} and 2 more: nothing to import" in result.stderr


def test_progress_counts_each_files_lines(tmp_path: Path) -> None:
    from ingest.attempts import reading
    from ingest.attempts.formats import read_attempts

    path = tmp_path / "big.csv"
    path.write_text("student,item,concepts,correct\n" + "".join(f"s{n % 7},,add,{n % 2}\n" for n in range(45_000)))
    heard: list[tuple[str, int, int]] = []
    frame = read_attempts(path, "csv", progress=lambda *a: heard.append(a))
    assert len(frame) == 45_000
    assert heard[0] == ("big.csv", reading.PROGRESS_EVERY, 45_001)  # heard while reading, not only at the end
    assert heard[-1] == ("big.csv", 45_001, 45_001)
    assert len(heard) == 3


def kg_attempts(kg: KnowledgeGraph) -> list[Any]:
    from graph.attempts import attempts_of, list_students

    return [a for history in attempts_of(kg, list_students(kg)).values() for a in history]


def test_an_item_alone_takes_its_materials_concepts(kg: KnowledgeGraph, tmp_path: Path) -> None:
    # A csv log with an item column and no concepts was stored with none: its answers moved no estimate.
    path = tmp_path / "items.csv"
    path.write_text("student,item,correct,timestamp\nbo,m_add_ex,1,2024-01-01T10:00:00Z\nbo,m_eq,0,2024-01-02\n")
    out = report(invoke(kg, str(path), "--format", "csv", "--json"))
    assert (out["accepted"], out["estimates"]) == (2, 2)
    assert sorted(a.concepts for a in kg_attempts(kg)) == [("add",), ("sub",)]  # assessed, else taught


def test_a_log_imported_again_does_not_bring_a_forgotten_student_back(
    kg: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli.opening import open_pseudonyms
    from graph.attempts import list_students
    from graph.erasures import ERASURE_LOG, ErasureLog
    from resolvers.students import forget_each

    monkeypatch.setenv("PATHWISE_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "log.csv"
    path.write_text(CSV + "cy,m_add_ex,add,1,2024-01-03T10:00:00Z\n")
    assert report(invoke(kg, str(path), "--format", "csv", "--json"))["accepted"] == 3
    pseudonyms = open_pseudonyms(load_settings())
    log = ErasureLog(tmp_path / "data" / ERASURE_LOG, pseudonyms)
    forget_each(kg, None, [pseudonyms.resolve("al")], erasures=log)
    again = invoke(kg, str(path), "--format", "csv")
    assert again.exit_code == 0, again.output
    assert "accepted: 0  duplicates: 1" in again.output
    assert "left out: 2 attempt(s) of 1 student(s) forgotten on request" in again.output
    assert list_students(kg) == [pseudonyms.resolve("cy")]
    later = datetime.now(UTC).isoformat()  # not ahead of the clock: one dated ahead may be older than it says
    back = tmp_path / "back.csv"  # a forgotten student who comes back makes attempts dated after the erasure
    back.write_text(f"student,item,concepts,correct,timestamp\nal,m_add_ex,add,1,{later}\n")
    assert report(invoke(kg, str(back), "--format", "csv", "--json"))["accepted"] == 1
    assert pseudonyms.resolve("al") in list_students(kg)


def statement(ident: str | None, who: str, correct: bool, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "actor": {"account": {"homePage": "https://lms.example", "name": who}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": "m_add_ex"},
        "result": {"success": correct},
        **extra,
    }
    if ident is not None:
        out["id"] = ident
    return out


def voiding(target: str) -> dict[str, Any]:
    return {
        "id": f"void-{target}",
        "actor": {"account": {"homePage": "https://lms.example", "name": "admin"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": target},
    }


def student_key(*args: str) -> str:
    """What ``pathwise student-key ARGS`` prints: the key a person's data is stored under."""
    from cli.main import main

    result = CliRunner().invoke(main, ["student-key", *args])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def write_lines(path: Path, statements: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(s) + "\n" for s in statements))
    return path


class TestXapiAcrossFiles:
    def test_a_voiding_statement_in_another_file_read_with_it_voids(self, kg: KnowledgeGraph, tmp_path: Path) -> None:
        # Each file voided within itself: imported together, the target in the other file stayed and a warning
        # said it was not in these files.
        first = write_lines(tmp_path / "a.jsonl", [statement("s-1", "zed", True), statement("s-2", "zed", False)])
        second = write_lines(tmp_path / "b.jsonl", [voiding("S-1")])
        out = report(invoke(kg, str(first), str(second), "--format", "xapi", "--json"))
        assert (out["accepted"], out["xapi"]["voided"], out["xapi"]["void_targets_missing"]) == (1, 1, 0)
        third = write_lines(tmp_path / "c.jsonl", [voiding("s-404")])
        out = report(invoke(kg, str(third), "--format", "xapi", "--json"))
        assert out["xapi"]["void_targets_missing"] == 1

    def test_statements_without_ids_or_times_replay_from_any_export(self, kg: KnowledgeGraph, tmp_path: Path) -> None:
        # Their made-up times (by position) differ between exports: a re-export was refused as another answer.
        a, b = statement(None, "yan", True), statement(None, "yan", False)
        one = write_lines(tmp_path / "one.jsonl", [a])
        both = write_lines(tmp_path / "both.jsonl", [b, a])
        assert report(invoke(kg, str(one), "--format", "xapi", "--json"))["accepted"] == 1
        out = report(invoke(kg, str(both), "--format", "xapi", "--json"))
        assert (out["accepted"], out["duplicates"]) == (1, 1)
        out = report(invoke(kg, str(one), str(both), "--format", "xapi", "--json"))
        assert (out["accepted"], out["duplicates"]) == (0, 2)  # both stored already
        assert out["xapi"]["skipped"] == {"duplicate statement id": 1}  # a is in both files: read once

    def test_a_missing_timestamp_reads_stored_and_a_lone_untimed_statement_is_refused(
        self, kg: KnowledgeGraph, tmp_path: Path
    ) -> None:
        timed = statement("t-1", "xu", True, timestamp="2024-05-01T10:00:00Z")
        stored = statement("t-2", "xu", False, stored="2024-05-02T10:00:00Z")
        bare = statement("t-3", "xu", True)
        path = write_lines(tmp_path / "mixed.jsonl", [timed, stored, bare])
        refused = invoke(kg, str(path), "--format", "xapi", "--json")
        assert refused.exit_code == 1
        error = json.loads(refused.stdout)["error"]  # JSON on a refusal too, as --json promises
        assert error["problems"] == [
            f"{path}:line 3: no timestamp or stored time, in a log whose other statements have one"
        ]
        reset = statement("t-4", "xu", True, timestamp="1970-01-01T00:00:05Z")  # a reset clock's, as good as none
        write_lines(path, [timed, stored, reset])
        error = json.loads(invoke(kg, str(path), "--format", "xapi", "--json").stdout)["error"]
        assert error["problems"] == [
            f"{path}:line 3: timestamp 1970-01-01T00:00:05+00:00 is before 1971, a reset clock: give the time the "
            "answer was given"
        ]
        write_lines(path, [timed, stored])
        assert report(invoke(kg, str(path), "--format", "xapi", "--json"))["accepted"] == 2
        times = sorted(a.timestamp.isoformat() for a in kg_attempts(kg))
        assert times == ["2024-05-01T10:00:00+00:00", "2024-05-02T10:00:00+00:00"]

    def test_a_statement_id_sent_again_with_another_result_is_named(self, kg: KnowledgeGraph, tmp_path: Path) -> None:
        path = write_lines(tmp_path / "s.jsonl", [statement("same-id", "wu", True)])
        assert report(invoke(kg, str(path), "--format", "xapi", "--json"))["accepted"] == 1
        write_lines(path, [statement("other", "wu", True), statement("same-id", "wu", False)])
        refused = invoke(kg, str(path), "--format", "xapi")
        assert refused.exit_code == 1
        assert "1 statement(s) already stored under the same id for another learner, or with another result or " \
               "time: same-id (s.jsonl line 2)" in refused.output  # fmt: skip
        assert "a changed result is a new statement with its own id (void the old one" in refused.output
        assert "rename the file" not in refused.output

    def test_a_void_of_a_statement_stored_earlier_takes_it_back(self, kg: KnowledgeGraph, tmp_path: Path) -> None:
        # A day's file sent again with a void of its first statement said "1 voided" and the stored
        # attempt stayed; a void-only file warned and kept it too. An LRS voids later by nature.
        day1 = [statement("d-1", "vi", True), statement("d-2", "vi", False), statement("d-3", "vi", True)]
        invoke(kg, str(write_lines(tmp_path / "day1.jsonl", day1)), "--format", "xapi", "--json")
        assert len(kg_attempts(kg)) == 3
        day2 = write_lines(tmp_path / "day2.jsonl", [*day1, voiding("d-1")])
        result = invoke(kg, str(day2), "--format", "xapi")
        assert result.exit_code == 0, result.output
        assert "voided after they were stored: 1 attempt(s) taken back" in result.output
        assert len(kg_attempts(kg)) == 2
        later = write_lines(tmp_path / "void.jsonl", [voiding("d-2")])
        assert report(invoke(kg, str(later), "--format", "xapi", "--json"))["xapi"]["voided_stored"] == 1
        assert [a.score for a in kg_attempts(kg)] == [1.0]
        assert report(invoke(kg, str(later), "--format", "xapi", "--json"))["xapi"]["voided_stored"] == 0


def test_a_statement_imported_under_an_upper_case_id_is_voided_by_a_later_file(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    # The void's target was read in lower case and the stored id was not: the void never reached it.
    uid = "CC000000-0000-4000-8000-000000000001"
    first = write_lines(tmp_path / "a.jsonl", [statement(uid, "ux", True), statement(uid.lower(), "ux", True)])
    assert (report(invoke(kg, str(first), "--format", "xapi", "--json"))["accepted"]) == 1  # one statement
    later = write_lines(tmp_path / "b.jsonl", [voiding(uid.lower())])
    assert report(invoke(kg, str(later), "--format", "xapi", "--json"))["xapi"]["voided_stored"] == 1
    assert kg_attempts(kg) == []


def test_a_void_in_an_earlier_file_keeps_its_statement_out_when_it_comes(kg: KnowledgeGraph, tmp_path: Path) -> None:
    # The void was only warned about ("not in these files"), and the statement, in the next night's file, was
    # recorded as if never voided.
    uid = "dd000000-0000-4000-8000-000000000001"
    void = write_lines(tmp_path / "void.jsonl", [voiding(uid)])
    dry = invoke(kg, str(void), "--format", "xapi", "--dry-run")
    assert "1 voiding statement(s) name a statement not recorded yet: would be kept voided" in dry.output
    assert report(invoke(kg, str(void), "--format", "xapi", "--json"))["xapi"]["voided_ahead"] == 1
    day = write_lines(tmp_path / "day.jsonl", [statement(uid.upper(), "uy", True), statement("dd-2", "uy", False)])
    out = report(invoke(kg, str(day), "--format", "xapi", "--json"))
    assert (out["accepted"], out["duplicates"], out["xapi"]["voided"]) == (1, 0, 1)
    assert (out["xapi"]["statements"], out["xapi"]["used"]) == (2, 1)  # it read "2 statement(s), 2 used, 1 voided"
    assert [a.score for a in kg_attempts(kg)] == [0.0]
    again = invoke(kg, str(void), "--format", "xapi")
    assert "voided before" in again.output
    assert report(invoke(kg, str(void), "--format", "xapi", "--json"))["xapi"]["voided_ahead"] == 0


def test_a_statement_voided_in_its_own_file_stays_voided_in_the_next(kg: KnowledgeGraph, tmp_path: Path) -> None:
    # Voided beside its void, it left no marker: the next night's file holding it alone recorded it.
    uid = "de000000-0000-4000-8000-000000000001"
    day1 = write_lines(tmp_path / "day1.jsonl", [statement(uid, "uz", True), voiding(uid)])
    dry = report(invoke(kg, str(day1), "--format", "xapi", "--json", "--dry-run"))
    assert dry["xapi"]["voided"] == 1
    assert report(invoke(kg, str(day1), "--format", "xapi", "--json"))["xapi"]["voided"] == 1
    day2 = write_lines(tmp_path / "day2.jsonl", [statement(uid.upper(), "uz", True), statement("de-2", "uz", False)])
    out = report(invoke(kg, str(day2), "--format", "xapi", "--json"))
    assert (out["accepted"], out["xapi"]["voided"]) == (1, 1)
    assert [a.score for a in kg_attempts(kg)] == [0.0]


def test_a_learner_whose_every_statement_is_voided_is_no_student(kg: KnowledgeGraph, tmp_path: Path) -> None:
    # A review noted an empty student record made for a learner whose only statements were voided: beside
    # their void, in another file read with it, or after a void that came first, none is made.
    uids = [f"df000000-0000-4000-8000-00000000000{n}" for n in (1, 2, 3)]
    beside = write_lines(tmp_path / "beside.jsonl", [statement(uids[0], "ghost", True), voiding(uids[0])])
    assert report(invoke(kg, str(beside), "--format", "xapi", "--json"))["xapi"]["voided"] == 1
    answer = write_lines(tmp_path / "answer.jsonl", [statement(uids[1], "ghost", True)])
    void = write_lines(tmp_path / "void.jsonl", [voiding(uids[1])])
    assert report(invoke(kg, str(answer), str(void), "--format", "xapi", "--json"))["xapi"]["voided"] == 1
    ahead = write_lines(tmp_path / "ahead.jsonl", [voiding(uids[2])])
    assert report(invoke(kg, str(ahead), "--format", "xapi", "--json"))["xapi"]["voided_ahead"] == 1
    late = write_lines(tmp_path / "late.jsonl", [statement(uids[2], "ghost", True)])
    assert report(invoke(kg, str(late), "--format", "xapi", "--json"))["accepted"] == 0
    assert count_students(kg) == 0


def test_finishing_a_reading_is_no_answer(kg: KnowledgeGraph, tmp_path: Path) -> None:
    # Moodle sends `completed` with success: true when a learner finishes reading a book: it
    # counted as a right answer on the concepts the book teaches.
    done = "http://adlnet.gov/expapi/verbs/completed"
    read = {**statement("r-1", "lu", True), "verb": {"id": done}, "object": {"id": "m_add"}}
    drill = {**statement("r-2", "lu", True), "verb": {"id": done}, "object": {"id": "m_add_ex"}}
    answer = {**statement("r-3", "lu", False), "object": {"id": "m_add"}}  # a question in the reading
    path = write_lines(tmp_path / "moodle.jsonl", [read, drill, answer])
    out = report(invoke(kg, str(path), "--format", "xapi", "--json"))
    assert out["accepted"] == 2
    assert out["xapi"]["skipped"] == {"completion of a material that assesses nothing": 1}


def test_a_first_import_creating_activities_skips_what_every_later_import_skips(
    empty: KnowledgeGraph, tmp_path: Path
) -> None:
    # --create-missing makes an unknown activity a bare exercise, which assesses nothing: the first import
    # stored its `completed` statements, which the same file read again (and recordStatements) skipped,
    # so a fresh import and a replay of one file left different stores (an audit).
    done = "http://adlnet.gov/expapi/verbs/completed"
    answer = {**statement("c-1", "ky", True), "object": {"id": "https://lms.example/quiz/7"}}
    finished = {**statement("c-2", "ky", True), "verb": {"id": done}, "object": {"id": "https://lms.example/quiz/7"}}
    path = write_lines(tmp_path / "kokea.jsonl", [answer, finished])
    first = report(invoke(empty, str(path), "--format", "xapi", "--create-missing", "--json"))
    assert (first["accepted"], first["created_materials"]) == (1, 1)
    assert first["xapi"]["skipped"] == {"completion of a material that assesses nothing": 1}
    again = report(invoke(empty, str(path), "--format", "xapi", "--json"))
    assert (again["accepted"], again["duplicates"]) == (0, 1)
    assert again["xapi"]["skipped"] == first["xapi"]["skipped"]
    assert len(kg_attempts(empty)) == 1


def test_an_xapi_learner_is_found_by_what_a_person_knows_of_them(
    kg: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # exportStudent and forgetStudent by e-mail said NOT_FOUND while the learner's xAPI data stayed.
    from cli.main import main
    from graph.attempts import list_students

    monkeypatch.setenv("PATHWISE_DATA_DIR", str(tmp_path / "data"))
    by_mail = statement("m-1", "ignored", True)
    by_mail["actor"] = {"mbox": "mailto:Zoe@Example.org"}
    lms = statement("m-2", "u42", False)  # an account of the LMS whose tokens carry sub "u42"
    other = statement("m-3", "u42", True)
    other["actor"] = {"account": {"homePage": "https://other.example", "name": "u42"}}
    path = write_lines(tmp_path / "s.jsonl", [by_mail, lms, other])
    out = report(invoke(kg, str(path), "--format", "xapi", "--xapi-account-home", "https://lms.example/", "--json"))
    assert out["accepted"] == 3

    stored = set(list_students(kg))
    assert student_key("--xapi-mbox", "Zoe@Example.org") in stored
    assert student_key("u42") in stored, "the LMS's own id: the same key as its tokens and its API calls"
    assert student_key("--xapi-account", "https://other.example", "u42") in stored
    assert len(stored) == 3
    refused = CliRunner().invoke(main, ["student-key", "u42", "--xapi-mbox", "a@b.c"])
    assert refused.exit_code == 2
    usage = invoke(kg, str(path), "--format", "csv", "--xapi-account-home", "https://lms.example")
    assert usage.exit_code == 2


def test_a_key_given_to_student_key_is_the_key_a_log_stored(
    kg: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A log, a roster and every API argument take a key as it is; `student-key stu-...` hashed it again and
    # printed a key under which nothing was stored, so forgetStudent with it said NOT_FOUND (a docs audit).
    from cli.main import main
    from graph.attempts import list_students

    monkeypatch.setenv("PATHWISE_DATA_DIR", str(tmp_path / "data"))
    key = "stu-" + "0123456789abcdef" * 2
    path = tmp_path / "log.csv"
    path.write_text(f"student,item,concepts,correct,timestamp\n{key},m_add_ex,add,1,2024-01-01T10:00:00Z\n")
    assert report(invoke(kg, str(path), "--format", "csv", "--json"))["accepted"] == 1
    assert list_students(kg) == [key]
    assert student_key(key) == student_key(f" {key} ") == key
    said = CliRunner().invoke(main, ["student-key", key])
    assert "is a student key already" in said.stderr
    assert student_key("al") != key  # an external id is still hashed


def test_an_mbox_is_one_learner_however_its_scheme_is_written(
    kg: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "MAILTO:zoe@..." was hashed as written: a second learner, whom an erasure by e-mail did not reach.
    import hashlib

    from cli.main import main
    from graph.attempts import list_students

    monkeypatch.setenv("PATHWISE_DATA_DIR", str(tmp_path / "data"))
    shouted = statement("c-1", "ignored", True)
    shouted["actor"] = {"mbox": "MAILTO:zoe@example.org"}
    written = statement("c-2", "ignored", False)
    written["actor"] = {"mbox": "mailto:zoe@example.org"}
    hashed = statement("c-3", "ignored", True)
    hashed["actor"] = {"mbox_sha1sum": hashlib.sha1(b"mailto:zoe@example.org").hexdigest()}
    path = write_lines(tmp_path / "s.jsonl", [shouted, written, hashed])
    assert report(invoke(kg, str(path), "--format", "xapi", "--json"))["accepted"] == 3

    [stored] = list_students(kg)
    assert student_key("--xapi-mbox", "zoe@example.org") == stored
    assert student_key("--xapi-mbox-sha1sum", hashlib.sha1(b"mailto:zoe@example.org").hexdigest().upper()) == stored
    refused = CliRunner().invoke(main, ["student-key", "--xapi-mbox-sha1sum", "zoe@example.org"])
    assert refused.exit_code == 2
    assert "not 40 hex digits" in refused.output


class TestChangedAccountHomes:
    def test_an_import_keyed_with_other_homes_is_refused_until_the_change_is_accepted(
        self, kg: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Turned on after statements were stored, PATHWISE_XAPI_ACCOUNT_HOMES keyed every learner of the
        # LMS a second way: re-sent answers of an erased learner came back, re-sends were refused as
        # "another result or time", and forgetStudent by the LMS's id found nothing.
        from cli.main import main
        from cli.xapi_homes import xapi_homes
        from graph.attempts import list_students

        monkeypatch.setenv("PATHWISE_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.delenv("PATHWISE_XAPI_ACCOUNT_HOMES", raising=False)
        day1 = write_lines(tmp_path / "day1.jsonl", [statement("h-1", "101", True, timestamp="2026-11-29T09:00:00Z")])
        assert report(invoke(kg, str(day1), "--format", "xapi", "--json"))["accepted"] == 1
        revision = kg.revision

        flag = invoke(kg, str(day1), "--format", "xapi", "--xapi-account-home", "https://lms.example/")
        assert flag.exit_code == 1
        assert "--xapi-account-home names 'https://lms.example', but this store's xAPI learners" in flag.output
        assert "added 'https://lms.example'. Every learner" in flag.output
        assert "Either leave out --xapi-account-home, or" in flag.output
        monkeypatch.setenv("PATHWISE_XAPI_ACCOUNT_HOMES", "https://lms.example")
        setting = invoke(kg, str(day1), "--format", "xapi", "--dry-run")
        assert setting.exit_code == 1
        assert "PATHWISE_XAPI_ACCOUNT_HOMES names 'https://lms.example', but" in setting.output
        assert kg.revision == revision, "nothing was written"

        def homes(*args: str) -> str:
            result = CliRunner().invoke(xapi_homes, list(args), obj={"settings": load_settings(), "kg": kg})
            assert result.exit_code == 0, result.output
            return result.output

        assert json.loads(homes("show", "--json"))["agree"] is False
        accepted = homes("accept")
        assert "recorded: xAPI learners are keyed with 'https://lms.example' from now on" in accepted
        assert "https://lms.example: accounts keyed by their bare name from now on" in accepted
        assert "keep their earlier keys" in accepted
        assert json.loads(homes("show", "--json")) == {
            "recorded": ["https://lms.example"],
            "configured": ["https://lms.example"],
            "former": [[]],
            "unrecorded_xapi": False,
            "agree": True,
        }
        resent = report(invoke(kg, str(day1), "--format", "xapi", "--json"))  # was "another result or time"
        assert (resent["accepted"], resent["duplicates"]) == (0, 1), "stored before under the earlier key: the same"
        day2 = write_lines(tmp_path / "day2.jsonl", [statement("h-2", "101", True, timestamp="2026-11-30T09:00:00Z")])
        assert report(invoke(kg, str(day2), "--format", "xapi", "--json"))["accepted"] == 1

        now, before = student_key("--xapi-account", "https://lms.example", "101"), student_key("101")
        assert now == before, "keyed by the LMS's own id from now on"
        earlier = student_key("--xapi-account", "https://lms.example", "101", "--account-form", "home")
        assert set(list_students(kg)) == {now, earlier}, "the learner stored before keeps the earlier key"
        assert student_key("--xapi-account", "https://lms.example", "101", "--account-form", "name") == now
        misplaced = CliRunner().invoke(main, ["student-key", "101", "--account-form", "home"])
        assert misplaced.exit_code == 2

    def test_a_store_with_xapi_answers_from_before_the_record_takes_the_configured_homes(
        self, kg: KnowledgeGraph, tmp_path: Path
    ) -> None:
        # An upgraded store has xAPI answers and no record: refusing it stopped the nightly import
        # (and the service) for a change that nearly never happened. `show` says what will be assumed.
        from graph.attempts import record_attempts
        from graph.model import Attempt
        from graph.xapi_homes import recorded_homes

        when = datetime(2026, 11, 29, tzinfo=UTC)
        record_attempts(kg, [Attempt("a1", "stu-" + "1" * 32, when, 1.0, material="m_add_ex", source="xapi:old")])
        path = write_lines(tmp_path / "day.jsonl", [statement("u-1", "101", True, timestamp="2026-11-30T09:00:00Z")])
        from cli.xapi_homes import xapi_homes

        obj = {"settings": load_settings(), "kg": kg}
        shown = CliRunner().invoke(xapi_homes, ["show"], obj=obj).output
        assert "holds xAPI answers stored before homes were recorded" in shown
        assert report(invoke(kg, str(path), "--format", "xapi", "--json"))["accepted"] == 1
        assert recorded_homes(kg.store) == ()


def test_student_key_refuses_a_data_folder_where_no_student_was_keyed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It made a new development secret there and printed a key no student has: an erasure request answered with
    # PATHWISE_DATA_DIR mistyped sent forgetStudent a key that found nobody
    from cli.main import main

    monkeypatch.setenv("PATHWISE_DATA_DIR", str(tmp_path / "typo"))
    monkeypatch.delenv("PATHWISE_PSEUDONYM_SECRET", raising=False)
    refused = CliRunner().invoke(main, ["student-key", "demo-student-000"])
    assert refused.exit_code == 1
    assert f"no pseudonym secret in {tmp_path / 'typo'}: no student was keyed there" in refused.output
    assert not (tmp_path / "typo").exists()


def test_a_dry_run_counts_what_is_stored_already(kg: KnowledgeGraph, tmp_path: Path) -> None:
    # A replay's dry run said "would import: 3 attempt(s)", duplicates 0, of a log stored already
    path = tmp_path / "log.csv"
    path.write_text("student,item,concepts,correct\nal,m_add_ex,add,1\nbo,m_add_ex,add,0\n")
    assert invoke(kg, str(path), "--format", "csv").exit_code == 0
    path.write_text("student,item,concepts,correct\nal,m_add_ex,add,1\nbo,m_add_ex,add,0\ncy,m_add_ex,add,1\n")
    out = report(invoke(kg, str(path), "--format", "csv", "--dry-run", "--json"))
    assert (out["attempts"], out["accepted"], out["duplicates"]) == (3, 1, 2)
    said = invoke(kg, str(path), "--format", "csv", "--dry-run").output
    assert "new: 1  stored already: 2" in said
    assert invoke(kg, str(path), "--format", "csv").exit_code == 0
    replay = invoke(kg, str(path), "--format", "csv").output  # it said "imported: 3 attempt(s)"
    assert replay.startswith("nothing new: read 3 attempt(s)")
    assert "accepted: 0  duplicates: 3" in replay
