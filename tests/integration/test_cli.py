"""``pathwise``: import real curricula with a report, export, info, help for every command."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import main
from demo.load import CURRICULUM_DIR
from graph.store import open_store
from tests.conftest import DATA

KG = DATA / "kg"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def import_json(store: Path, path: Path, *extra: str) -> dict[str, object]:
    code, out = run("--store", f"oxigraph:{store}", "import", str(path), "--json", *extra)
    assert code == 0, out
    return dict(json.loads(out[out.index("{") :]))


needs = pytest.mark.skipif


class TestHelp:
    @pytest.mark.parametrize("command", [[], ["serve"], ["import"], ["export"], ["demo", "load"], ["info"]])
    def test_every_command_explains_itself(self, command: list[str]) -> None:
        code, out = run(*command, "--help")
        assert code == 0
        assert "Usage:" in out
        assert len(out.splitlines()) > 4


@needs(not (KG / "metacademy").exists(), reason="metacademy data not present")
class TestMetacademy:
    def test_imports_with_dangling_references_reported(self, tmp_path: Path) -> None:
        report = import_json(tmp_path / "s", KG / "metacademy", "--allow-dangling")
        counts = report["counts"]
        assert isinstance(counts, dict)
        assert counts["concepts"] == 392
        dangling = [d for d in report["dangling"] if str(d).startswith("prerequisite")]  # type: ignore[attr-defined]
        assert len(dangling) + counts["prerequisites"] == 985
        missing = {str(d).rsplit("unknown ", 1)[1].split(" (did you mean")[0] for d in dangling}
        assert len(missing) == 17  # "random variables" names random_variables (it dangled)
        assert counts["materials"] > 1000


@needs(not (KG / "khan_academy_kalite_2013").exists(), reason="Khan Academy data not present")
class TestKhan:
    def test_imports_388_exercises(self, tmp_path: Path) -> None:
        report = import_json(tmp_path / "s", KG / "khan_academy_kalite_2013", "--allow-dangling")
        assert report["counts"]["concepts"] == 388  # type: ignore[index]
        assert len(report["missing_ids"]) == 46  # type: ignore[arg-type]


@needs(not (KG / "junyi").exists(), reason="Junyi data not present")
class TestJunyi:
    def test_cycles_refused_with_every_cycle_listed(self, tmp_path: Path) -> None:
        code, out = run(
            "--store", f"oxigraph:{tmp_path / 's'}", "import", str(KG / "junyi" / "junyi_Exercise_table.csv")
        )
        assert code == 1
        assert "[CYCLE]" in out
        assert out.count("  cycle: ") == 3
        assert out.count("junyi_Exercise_table.csv:line ") >= 3  # each cycle names the lines of its edges
        assert "simplifying_radicals" in out
        code, out = run("--store", f"oxigraph:{tmp_path / 's'}", "info")
        assert "concepts: 0" in out

    def test_beside_the_demo_with_an_id_prefix(self, tmp_path: Path) -> None:
        # Into the store `make run` fills it was refused as 13 duplicates (absolute_value...), and
        # --replace would have merged the two maps' concepts.
        store = tmp_path / "s"
        demo = Path(__file__).resolve().parents[2] / "demo" / "curriculum"
        import_json(store, demo)
        junyi = KG / "junyi" / "junyi_Exercise_table.csv"
        code, out = run("--store", f"oxigraph:{store}", "import", str(junyi), "--break-cycles", "--json")
        assert code == 1
        assert json.loads(out[out.index("{") :])["error"]["code"] == "DUPLICATE"
        report = import_json(store, junyi, "--break-cycles", "--id-prefix", "junyi_")
        assert report["counts"]["concepts"] > 700  # type: ignore[index]
        code, out = run("--store", f"oxigraph:{store}", "info")
        assert "junyi_junyi (Junyi Academy exercises)" in out, out
        assert "algebra (" in out, out
        code, out = run("--store", f"oxigraph:{store}", "import", str(junyi), "--id-prefix", "a b", "--json")
        assert code == 2
        assert "would not make slugs" in json.loads(out)["error"]["message"]

    def test_imported_without_the_listed_edges_when_asked(self, tmp_path: Path) -> None:
        report = import_json(tmp_path / "s", KG / "junyi" / "junyi_Exercise_table.csv", "--break-cycles")
        code, out = run("--store", f"oxigraph:{tmp_path / 's'}", "info")
        assert "curricula: junyi (" in out, out  # with its title: a CASE framework's id is a hash
        assert len(report["cycles"]) == 3  # type: ignore[arg-type]
        assert len(report["dropped_edges"]) == 3  # type: ignore[arg-type]
        assert report["counts"]["prerequisites"] == 981 - 3  # type: ignore[index]
        # two exercises whose ids differ only in case (the second retired, "(old)"): imported, and said
        [case] = [w for w in report["warnings"] if "only in letter case" in w]  # type: ignore[attr-defined]
        assert case.endswith(
            "junyi_Exercise_table.csv:line 832: concept id 'number_sense_weight_L1' differs from concept "
            f"'number_sense_weight_l1' ({KG / 'junyi' / 'junyi_Exercise_table.csv'}:line 581) only in letter case: "
            "they are two concepts (did you mean 'number_sense_weight_l1'?)"
        )


class TestDemoLoad:
    def test_a_negative_student_count_is_a_usage_error_before_anything_is_written(self, tmp_path: Path) -> None:
        # It loaded the curriculum, then died with "ValueError: students is too small" and a traceback.
        store = tmp_path / "s"
        result = CliRunner().invoke(main, ["--store", f"oxigraph:{store}", "demo", "load", "--students", "-3"])
        assert result.exit_code == 2, result.output
        assert "--students" in result.output
        assert not store.exists()

    def test_a_load_stopped_after_the_curriculum_is_finished_by_the_next_run(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Ctrl-C after the curriculum was stored: the next run said "the store already holds concepts; nothing
        # loaded", and the store stayed without students for good.
        import demo.load

        monkeypatch.setenv("PATHWISE_DATA_DIR", str(tmp_path / "data"))
        store = f"oxigraph:{tmp_path / 's'}"
        original = demo.load.record_attempts

        def interrupted(*args: object, **kwargs: object) -> object:
            raise KeyboardInterrupt

        monkeypatch.setattr(demo.load, "record_attempts", interrupted)
        stopped = CliRunner().invoke(main, ["--store", store, "demo", "load", "--students", "2"])
        assert stopped.exit_code == 130
        assert "the curriculum is stored, its students are not; `pathwise demo load` again finishes it" in (
            stopped.output
        )
        monkeypatch.setattr(demo.load, "record_attempts", original)
        code, out = run("--store", store, "demo", "load", "--students", "2")
        assert code == 0, out
        assert "storing them" in out
        assert "loaded the demo's students:" in out
        code, out = run("--store", store, "info")
        assert "students: 2" in out, out
        code, out = run("--store", store, "demo", "load", "--students", "2")
        assert (code, "nothing loaded" in out) == (0, True), "finished: a third run loads nothing"

    def test_a_marker_left_beside_another_store_finishes_nothing_there(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from demo.load import DEMO_MARKER

        data = tmp_path / "data"
        data.mkdir()
        (data / DEMO_MARKER).touch()
        monkeypatch.setenv("PATHWISE_DATA_DIR", str(data))
        store = f"oxigraph:{tmp_path / 'other'}"
        (tmp_path / "mine").mkdir()
        (tmp_path / "mine" / "concepts.csv").write_text("id,label\nratios,Ratios\n")
        code, out = run("--store", store, "import", str(tmp_path / "mine"), "--format", "csv")
        assert code == 0, out
        code, out = run("--store", store, "demo", "load", "--students", "2")
        assert (code, "nothing loaded" in out) == (0, True), out


class TestExportImport:
    def test_an_export_of_an_empty_store_says_so(self, tmp_path: Path) -> None:
        # It wrote an empty file and "wrote out.ttl", as if the store (perhaps the wrong one) held a curriculum.
        store = f"oxigraph:{tmp_path / 'empty'}"
        open_store(store).close()
        code, out = run("--store", store, "export", str(tmp_path / "out.ttl"))
        assert code == 0, out
        assert f"warning: the store ({store}) holds no concepts, so the export is empty" in out
        assert run("--store", store, "demo", "load", "--students", "2")[0] == 0
        code, out = run("--store", store, "export", str(tmp_path / "out.ttl"), "--force")
        assert (code, "warning" in out) == (0, False), out

    def test_a_command_that_reads_refuses_a_store_that_does_not_exist(self, tmp_path: Path) -> None:
        # Run without PATHWISE_DATA_DIR, `report` made an empty ./pathwise-data/store and answered from it
        # ("cohort 'c12' does not exist", `info` counting 0 students): the data seemed gone (an audit).
        missing = tmp_path / "nowhere" / "store"
        for command in (
            ["info"],
            ["export", str(tmp_path / "out.ttl")],
            ["report", "difficulty", "--cohort", "c12"],
            ["xapi-homes", "show"],  # it made an empty store and said the homes agreed
        ):
            code, out = run("--store", f"oxigraph:{missing}", *command)
            assert code == 1, (command, out)
            assert f"no store at {missing}: point PATHWISE_DATA_DIR" in out, command
        assert not missing.exists()
        assert not (tmp_path / "out.ttl").exists()

    def test_a_store_that_does_not_open_is_one_line_and_json_with_json(self, tmp_path: Path) -> None:
        # A damaged store (RocksDB's "Corruption") and a URL no store answers at ended every command in a traceback,
        # and `--json` printed nothing on stdout
        broken = tmp_path / "broken" / "store"
        broken.mkdir(parents=True)
        (broken / "CURRENT").write_text("junk\n")
        code, out = run("--store", f"oxigraph:{broken}", "info")
        assert code == 1
        assert out.strip().startswith(f"error [UNAVAILABLE]: the store oxigraph:{broken} does not open: Corruption")
        for store in (f"oxigraph:{broken}", "sparql:notaurl"):
            code, out = run("--store", store, "import", str(CURRICULUM_DIR), "--json")
            error = json.loads(out[out.index("{") :])["error"]
            assert (code, error["code"]) == (1, "UNAVAILABLE")
            assert "does not open" in error["message"]

    def test_serve_refuses_a_port_out_of_range_before_anything_loads(self) -> None:
        # --port 99999 loaded the models and the demo, then ended in "OverflowError: bind(): port must be 0-65535"
        code, out = run("serve", "--port", "99999")
        assert code == 2
        assert "99999 is not in the range 1<=x<=65535" in out

    def test_an_export_names_its_format_as_import_reads_it(self, tmp_path: Path) -> None:
        # z.rdf and a name without a suffix were written as Turtle, which import could not tell; out.TTL was written
        # as Turtle and refused by import, whose suffixes were read in lower case only
        store = f"oxigraph:{tmp_path / 's'}"
        assert run("--store", store, "demo", "load", "--students", "2")[0] == 0
        for name in ("z.rdf", "noext"):
            code, out = run("--store", store, "export", str(tmp_path / name))
            assert (code, "name the file .ttl, .nt or .jsonld, or pass --format" in out) == (1, True), name
            assert not (tmp_path / name).exists()
        assert run("--store", store, "export", str(tmp_path / "out.TTL"))[0] == 0
        again = import_json(tmp_path / "again", tmp_path / "out.TTL")
        assert again["counts"]["concepts"] == 71  # type: ignore[index]

    def test_an_export_does_not_replace_files_unless_forced(self, tmp_path: Path) -> None:
        # It overwrote them without a word: a name typed for a new export replaced a designer's edited copy.
        store = f"oxigraph:{tmp_path / 's'}"
        assert run("--store", store, "demo", "load", "--students", "2")[0] == 0
        edited = tmp_path / "algebra.ttl"
        edited.write_text("# my edits\n")
        code, out = run("--store", store, "export", str(edited))
        assert code == 1
        assert f"{edited} is already there: pass --force to replace, or name another path" in out
        assert edited.read_text() == "# my edits\n"
        folder = tmp_path / "csv"
        folder.mkdir()
        (folder / "concepts.csv").write_text("id,label\n")
        (folder / "notes.txt").write_text("kept\n")
        code, out = run("--store", store, "export", str(folder), "--format", "csv")
        assert (code, f"{folder / 'concepts.csv'} is already there" in out) == (1, True), out
        assert sorted(p.name for p in folder.iterdir()) == ["concepts.csv", "notes.txt"]
        assert run("--store", store, "export", str(edited), "--force")[0] == 0
        assert "Slope" in edited.read_text()
        assert run("--store", store, "export", str(folder), "--format", "csv", "--force")[0] == 0
        assert (folder / "notes.txt").read_text() == "kept\n"
        assert "slope" in (folder / "concepts.csv").read_text()

    def test_an_export_through_a_file_says_so(self, tmp_path: Path) -> None:
        # "error: [Errno 17] File exists: 'notes'" said nothing of what to do.
        store = f"oxigraph:{tmp_path / 's'}"
        assert run("--store", store, "demo", "load", "--students", "0")[0] == 0
        (tmp_path / "notes").write_text("mine\n")
        code, out = run("--store", store, "export", str(tmp_path / "notes" / "algebra.ttl"))
        assert code == 1
        assert f"{tmp_path / 'notes'}: it is a file where a folder is needed (the path goes through it)" in out
        assert "Errno" not in out
        assert (tmp_path / "notes").read_text() == "mine\n"

    def test_a_csv_cycle_is_refused_with_the_lines_of_its_edges(self, tmp_path: Path) -> None:
        folder = tmp_path / "csv"
        folder.mkdir()
        (folder / "concepts.csv").write_text("id,label\na,A\nb,B\n")
        (folder / "prerequisites.csv").write_text("concept,prerequisite\na,b\nb,a\n")
        code, out = run("--store", f"oxigraph:{tmp_path / 's'}", "import", str(folder))
        assert code == 1
        assert "  cycle: a -> b -> a (prerequisites.csv:line 2: a -> b, prerequisites.csv:line 3: b -> a)\n" in out

    def test_csv_and_turtle_round_trip_through_the_cli(self, tmp_path: Path) -> None:
        store = f"oxigraph:{tmp_path / 'a'}"
        code, out = run("--store", store, "demo", "load", "--students", "5")
        assert code == 0, out
        assert run("--store", store, "export", str(tmp_path / "out.ttl"))[0] == 0
        assert run("--store", store, "export", str(tmp_path / "csv"), "--format", "csv")[0] == 0
        for source, name in ((tmp_path / "out.ttl", "b"), (tmp_path / "csv", "c")):
            code, out = run("--store", f"oxigraph:{tmp_path / name}", "import", str(source))
            assert code == 0, out
            code, out = run("--store", f"oxigraph:{tmp_path / name}", "info")
            assert "concepts: 71" in out
        code, out = run("--store", f"oxigraph:{tmp_path / 'b'}", "export", str(tmp_path / "again.ttl"))
        assert (tmp_path / "again.ttl").read_bytes() == (tmp_path / "out.ttl").read_bytes()
        # The format follows the suffix, so `import` (which reads the suffix) reads what `export` wrote.
        assert run("--store", store, "export", str(tmp_path / "out.nt"))[0] == 0
        code, out = run("--store", f"oxigraph:{tmp_path / 'd'}", "import", str(tmp_path / "out.nt"))
        assert code == 0, out
        result = CliRunner().invoke(main, ["--store", store, "export", str(tmp_path / "x.nt"), "--format", "turtle"])
        assert result.exit_code == 1
        assert "x.nt names ntriples by its suffix, not turtle" in result.output
        # A CASE package of the curriculum comes back onto the same concepts in a fresh store.
        code, out = run("--store", store, "export", str(tmp_path / "case.json"), "--format", "case")
        assert code == 1
        assert "name the curriculum to export (curricula: algebra)" in out
        code, out = run(
            "--store", store, "export", str(tmp_path / "case.json"), "--format", "case", "--curriculum", "algebra"
        )
        assert code == 0, out
        code, out = run("--store", f"oxigraph:{tmp_path / 'e'}", "import", str(tmp_path / "case.json"))
        assert code == 0, out
        assert "1 curricula, 71 concepts, 104 prerequisites" in out
        for name, message in (("x.csv", "the CSV layout is a folder"), ("x.json", "--format case --curriculum")):
            # they were written as Turtle, which `import` then read as CSV or a CASE package
            refused = CliRunner().invoke(main, ["--store", store, "export", str(tmp_path / name)])
            assert (refused.exit_code, message in refused.output) == (1, True), refused.output
            assert not (tmp_path / name).exists()
        (tmp_path / "out").mkdir()  # a folder without --format: "[Errno 21] Is a directory"
        folder = CliRunner().invoke(main, ["--store", store, "export", str(tmp_path / "out")])
        assert (folder.exit_code, "is a folder: pass --format csv" in folder.output) == (1, True), folder.output
        for given in (str(tmp_path / "out"), f"{tmp_path / 'missing'}/"):  # "missing/" wrote an empty file
            as_turtle = CliRunner().invoke(main, ["--store", store, "export", given, "--format", "turtle"])
            assert (as_turtle.exit_code, "turtle is one file, so name one" in as_turtle.output) == (1, True)
        assert not (tmp_path / "missing").exists()

    def test_an_unknown_curriculum_is_answered_with_the_closest_id(self, tmp_path: Path) -> None:
        # "curriculum 'algebar' does not exist" and nothing more, where a concept's typo is answered with the closest.
        store = f"oxigraph:{tmp_path / 's'}"
        import_json(tmp_path / "s", Path(__file__).resolve().parents[2] / "demo" / "curriculum")
        for target, fmt in (("out.ttl", "turtle"), ("csv", "csv"), ("case.json", "case")):
            code, out = run(
                "--store", store, "export", str(tmp_path / target), "--format", fmt, "--curriculum", "algebar"
            )
            assert code == 1
            assert "error [NOT_FOUND]: curriculum 'algebar' does not exist (did you mean 'algebra'?)" in out, out
        by_title = "school_algebra_from_integers_to_quadratics"  # a CASE framework's id is a hash: its title helps
        code, out = run("--store", store, "export", str(tmp_path / "out.ttl"), "--curriculum", by_title)
        assert code == 1
        assert "(did you mean 'algebra', labelled 'School Algebra: From Integers to Quadratic Equations'?)" in out, out
        code, out = run("--store", store, "export", str(tmp_path / "out.ttl"), "--curriculum", "geometry")
        assert code == 1
        assert "error [NOT_FOUND]: curriculum 'geometry' does not exist\n" in out, "no hint when nothing is close"

    def test_files_that_cannot_be_read_are_one_line_errors(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        (tmp_path / "latin").mkdir()
        (tmp_path / "latin" / "concepts.csv").write_bytes(b"id,label\nq\xe9,Q\n")
        (tmp_path / "cut.gz").write_bytes(gzip.compress(b'{"id": "x"}\n' * 50)[:30])
        store = ["--store", f"oxigraph:{tmp_path / 's'}"]
        cases = [
            ([*store, "import", str(tmp_path / "latin")],
             "concepts.csv:line 2, column 2: not UTF-8 text (byte 0xE9: invalid continuation byte; Latin-1 or "
             "Windows-1252?): save the file as UTF-8"),
            ([*store, "attempts", "import", str(tmp_path / "cut.gz"), "--format", "xapi"],
             "cut.gz:-: the gzip file ends early: is it truncated?"),
            ([*store, "export", str(tmp_path / "latin")], "latin is a folder: pass --format csv"),
        ]  # fmt: skip
        for args, message in cases:
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 1, result.output
            assert isinstance(result.exception, SystemExit), result.exception  # not a traceback
            assert message in result.output, result.output
        monkeypatch.setenv("PATHWISE_BACKUP_KEEP", "abc")
        code, out = run("info")
        assert code == 1
        assert "error: settings: PATHWISE_BACKUP_KEEP is 'abc': give a whole number" in out

    def test_an_empty_document_is_refused(self, tmp_path: Path) -> None:
        (tmp_path / "empty.ttl").write_text("@prefix x: <http://x/> .\n")
        code, out = run("--store", f"oxigraph:{tmp_path / 's'}", "import", str(tmp_path / "empty.ttl"))
        assert code == 1
        assert "empty.ttl: the document holds no curriculum, concept, prerequisite or material" in out

    def test_json_reports_a_refusal_too(self, tmp_path: Path) -> None:
        # A CI check reading --json got nothing on stdout when the import was refused.
        folder = tmp_path / "bad"
        folder.mkdir()
        (folder / "concepts.csv").write_text("id,label\na,A\na,B\n")
        result = CliRunner().invoke(main, ["--store", f"oxigraph:{tmp_path / 's'}", "import", str(folder), "--json"])
        assert result.exit_code == 1
        report = json.loads(result.stdout)
        assert report == {
            "error": {
                "code": "INVALID",
                "message": "1 problem(s): concepts.csv:line 3: id 'a' is already on line 2",
                "problems": ["concepts.csv:line 3: id 'a' is already on line 2"],
                "cycles": [],
            }
        }

    def test_xapi_homes_show_json_reports_a_wrong_option_too(self, tmp_path: Path) -> None:
        # The one other --json command answered click's plain-text usage error on stderr (a docs audit).
        store = f"oxigraph:{tmp_path / 's'}"
        result = CliRunner().invoke(main, ["--store", store, "xapi-homes", "show", "--verbose", "--json"])
        assert result.exit_code == 2
        assert json.loads(result.stdout) == {
            "error": {"code": "USAGE", "message": "No such option '--verbose'.", "problems": []}
        }

    @pytest.mark.parametrize("command", [["import"], ["attempts", "import", "--format", "csv"]])
    def test_json_reports_a_missing_file_too(self, tmp_path: Path, command: list[str]) -> None:
        # click's plain-text usage error went to stderr and stdout was empty
        store = f"oxigraph:{tmp_path / 's'}"
        result = CliRunner().invoke(main, ["--store", store, *command, str(tmp_path / "missing.ttl"), "--json"])
        assert result.exit_code == 2
        error = json.loads(result.stdout)["error"]
        assert (error["code"], error["problems"]) == ("USAGE", [])
        assert "missing.ttl' does not exist" in error["message"]
        plain = CliRunner().invoke(main, ["--store", store, *command, str(tmp_path / "missing.ttl")])
        assert (plain.exit_code, plain.stdout) == (2, "")  # without --json: click's usage error, on stderr
        assert "does not exist" in plain.stderr

    @pytest.mark.parametrize(
        "command", [["import", "{folder}"], ["attempts", "import", "--format", "csv", "{log}"], ["xapi-homes", "show"]]
    )
    def test_json_reports_a_setting_refused_too(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
    ) -> None:
        # Settings are read before the command: a script reading --json got the plain-text "error: settings: ..."
        # on stderr and nothing on stdout, where docs/cli.md says a refusal is one JSON object too (a docs audit).
        (tmp_path / "log.csv").write_text("student,item,concepts,correct\nal,m1,add,1\n")
        args = [a.format(folder=tmp_path, log=tmp_path / "log.csv") for a in command]
        monkeypatch.setenv("PATHWISE_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("PATHWISE_PORT", "99999")
        monkeypatch.setenv("PATHWISE_MIN_CELL", "0")
        result = CliRunner().invoke(main, [*args, "--json"])
        assert result.exit_code == 1
        problems = ["PATHWISE_PORT is 99999: give a port in 1..65535", "PATHWISE_MIN_CELL is 0: give 1 or more"]
        assert json.loads(result.stdout)["error"] == {
            "code": "INVALID",
            "message": "settings: " + "; ".join(problems),
            "problems": problems,
            "cycles": [],
        }
        plain = CliRunner().invoke(main, args)
        assert (plain.exit_code, plain.stdout) == (1, "")  # without --json: one line on stderr, as before
        assert plain.stderr.startswith("error: settings: PATHWISE_PORT is 99999")

    def test_an_unknown_format_is_a_usage_error_as_in_attempts_import(self, tmp_path: Path) -> None:
        # `import --format xml --json` was INVALID (exit 1), where `attempts import` said USAGE (exit 2) (an audit).
        from cli.curriculum import EXPORT_FORMATS, IMPORT_FORMATS
        from ingest import formats

        assert (tuple(formats.READERS), formats.EXPORT_FORMATS) == (IMPORT_FORMATS, EXPORT_FORMATS)
        (tmp_path / "c.ttl").write_text("")
        store = f"oxigraph:{tmp_path / 's'}"
        result = CliRunner().invoke(
            main, ["--store", store, "import", str(tmp_path / "c.ttl"), "--format", "xml", "--json"]
        )
        assert result.exit_code == 2
        error = json.loads(result.stdout)["error"]
        assert error["code"] == "USAGE"
        assert "'xml' is not one of 'turtle', 'ntriples'" in error["message"]
        out = CliRunner().invoke(main, ["--store", store, "export", str(tmp_path / "o.ttl"), "--format", "xml"])
        assert out.exit_code == 2

    def test_a_json_ld_file_named_json_is_read_as_json_ld(self, tmp_path: Path) -> None:
        # It was taken for a CASE package: "CFDocument: missing".
        (tmp_path / "graph.json").write_text(
            '{"@context": {"skos": "http://www.w3.org/2004/02/skos/core#"}, "@id": "http://example.org/c/q", '
            '"@type": "skos:Concept", "skos:prefLabel": "Q"}'
        )
        assert import_json(tmp_path / "s", tmp_path / "graph.json")["counts"] == {
            "curricula": 0, "concepts": 1, "prerequisites": 0, "materials": 0,
        }  # fmt: skip

    def test_info_counts_a_single_edge_in_the_singular(self, tmp_path: Path) -> None:
        # "longest prerequisite chain: 1 edges"
        folder = tmp_path / "chain"
        folder.mkdir()
        (folder / "concepts.csv").write_text("id,label\na,A\nb,B\nc,C\n")
        (folder / "prerequisites.csv").write_text("concept,prerequisite\nb,a\n")
        store = ("--store", f"oxigraph:{tmp_path / 's'}")
        assert run(*store, "import", str(folder))[0] == 0
        code, out = run(*store, "info")
        assert code == 0, out
        assert "longest prerequisite chain: 1 edge\n" in out, out
        (folder / "prerequisites.csv").write_text("concept,prerequisite\nb,a\nc,b\n")
        assert run(*store, "import", str(folder), "--replace")[0] == 0
        assert "longest prerequisite chain: 2 edges\n" in run(*store, "info")[1]

    def test_a_dangling_reference_fails_the_command_unless_allowed(self, tmp_path: Path) -> None:
        # The walkthrough's typo `angle` for `angles` exited 0, the link left out.
        folder = tmp_path / "geo"
        folder.mkdir()
        (folder / "concepts.csv").write_text("id,label\nangles,Angles\n")
        (folder / "materials.csv").write_text("id,title,type,teaches\nm1,Angles video,video,angle\n")
        store = ("--store", f"oxigraph:{tmp_path / 's'}")
        code, out = run(*store, "import", str(folder))
        assert code == 1
        assert "  - materials.csv:line 2: material m1: taught concept angle unknown (did you mean 'angles'?)" in out
        assert "(pass --allow-dangling to import without the links to unknown ids)" in out
        result = CliRunner().invoke(main, [*store, "import", str(folder), "--json"])
        assert (result.exit_code, json.loads(result.stdout)["error"]["code"]) == (1, "INVALID")
        code, out = run(*store, "info")
        assert "concepts: 0" in out
        report = import_json(tmp_path / "s", folder, "--allow-dangling")
        assert report["dangling"] == [
            "materials.csv:line 2: material m1: taught concept angle unknown (did you mean 'angles'?)"
        ]

    def test_malformed_file_is_refused_whole_with_its_line(self, tmp_path: Path) -> None:
        folder = tmp_path / "bad"
        folder.mkdir()
        (folder / "concepts.csv").write_text("id,label\na,A\nb\n")
        code, out = run("--store", f"oxigraph:{tmp_path / 's'}", "import", str(folder))
        assert code == 1
        assert "concepts.csv:line 3: 1 fields, header has 2" in out


def test_an_index_rebuild_refused_for_a_store_in_use_leaves_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The index folder was deleted before the store was opened: the refusal cost the running
    # server its index, and every material was embedded again.

    data = tmp_path / "data"
    (data / "index").mkdir(parents=True)
    (data / "index" / "index.json").write_text('{"format": 2}')
    monkeypatch.setenv("PATHWISE_DATA_DIR", str(data))
    monkeypatch.delenv("PATHWISE_STORE", raising=False)
    held = open_store(f"oxigraph:{data / 'store'}")  # as a running service holds it
    try:
        result = CliRunner().invoke(main, ["index", "materials"])
    finally:
        held.close()
    assert result.exit_code == 1
    assert "in use by another process" in result.output
    assert (data / "index" / "index.json").read_text() == '{"format": 2}'


def test_an_export_refused_for_a_store_in_use_names_the_query_to_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It said "make the change through its GraphQL API": an export changes nothing.
    from graph.store import open_store

    data = tmp_path / "data"
    monkeypatch.setenv("PATHWISE_DATA_DIR", str(data))
    monkeypatch.delenv("PATHWISE_STORE", raising=False)
    held = open_store(f"oxigraph:{data / 'store'}")  # as a running service holds it
    try:
        result = CliRunner().invoke(main, ["export", str(tmp_path / "out"), "--format", "csv"])
    finally:
        held.close()
    assert result.exit_code == 1
    assert "exportCurriculumCsv" in result.output
    assert "make the change" not in result.output


def run_with_store_held(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> Result:
    """``pathwise ARGS`` (DIR: ``tmp_path``, holding a one-line log.csv) with the store open, as a server holds it."""
    from graph.store import open_store

    data = tmp_path / "data"
    (tmp_path / "log.csv").write_text("student,item,concepts,correct\ns1,m1,c1,1\n")
    monkeypatch.setenv("PATHWISE_DATA_DIR", str(data))
    monkeypatch.delenv("PATHWISE_STORE", raising=False)
    held = open_store(f"oxigraph:{data / 'store'}")
    try:
        return CliRunner().invoke(main, [a.replace("DIR", str(tmp_path)) for a in args])
    finally:
        held.close()


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["import", "DIR"], "importCurriculum"),
        (["attempts", "import", "DIR/log.csv", "--format", "csv"], "recordAttempts"),
        (["info"], "/healthz"),
    ],
)
def test_a_refusal_for_a_store_in_use_names_what_the_service_offers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], named: str
) -> None:
    # They said "make the change through its GraphQL API": no mutation named (the README says
    # importCurriculum is), and `info` changes nothing.
    result = run_with_store_held(tmp_path, monkeypatch, args)
    assert result.exit_code == 1
    assert "in use by another process" in result.output
    assert named in result.output
    assert "make the change" not in result.output


@pytest.mark.parametrize(
    "args",
    [["import", "DIR", "--json"], ["attempts", "import", "DIR/log.csv", "--format", "csv", "--json"]],
)
def test_a_store_in_use_is_refused_in_json_on_stdout_with_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    # An audit's script read `import --json` with a server running: stdout was empty, the
    # refusal plain text on stderr.
    result = run_with_store_held(tmp_path, monkeypatch, args)
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "INVALID"
    assert "in use by another process" in error["message"]
