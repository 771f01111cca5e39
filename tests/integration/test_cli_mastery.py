"""``pathwise train mastery``, ``models list/use`` and ``evaluate mastery`` on generated logs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from cli.main import main
from cli.mastery import evaluate_mastery, model_names


def write_log(path: Path, students: int = 60, seed: int = 5, prefix: str = "s") -> Path:
    """A long-CSV log: students of varying ability on four skills with word names (ids ``<prefix><n>``)."""
    rng = np.random.default_rng(seed)
    lines = ["student,item,concepts,correct,timestamp"]
    skills = ["adding fractions", "solving equations", "graphing lines", "factoring"]
    for s in range(students):
        ability = rng.normal()
        for n in range(int(rng.integers(6, 20))):
            k = min(3, n // 5)
            p = 1 / (1 + np.exp(-(ability + 0.3 * n - k)))
            lines.append(f"{prefix}{s},q{k}{n % 4},{skills[k]},{int(rng.random() < p)},2026-01-01T00:{n:02d}:00Z")
    path.write_text("\n".join(lines) + "\n")
    return path


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)
    return result.exit_code, result.output


class TestTrainAndVersions:
    def test_an_empty_list_says_so(self, tmp_path: Path) -> None:
        code, out = run("models", "list", env={"PATHWISE_DATA_DIR": str(tmp_path / "data")})
        assert (code, out.startswith("no trained version in ")) == (0, True), out

    def test_train_list_use(self, tmp_path: Path) -> None:
        env = {"PATHWISE_DATA_DIR": str(tmp_path / "data")}
        log = write_log(tmp_path / "log.csv")
        code, out = run("train", "mastery", "--format", "csv", "--train", str(log), "--no-text", "--epochs", "2",
                        "--threads", "1", env=env)  # fmt: skip
        assert code == 0, out
        metrics, end = json.JSONDecoder().raw_decode(out, out.index("{"))
        assert 0.0 <= metrics["valid"]["auc"] <= 1.0
        if metrics["valid"]["n"] < 200:  # a small log: the figure is said to say little (on stderr, after it)
            assert "rests on" in out[end:]
        versions = sorted((tmp_path / "data" / "models" / "mastery").iterdir())
        assert len(versions) == 1
        assert versions[0].name.endswith("-pathwise-id"), "named by what it is: --no-text trains the id model"
        training = json.loads((versions[0] / "metrics.json").read_text())["training"]
        assert (training["seed"], training["max_epochs"]) == (7, 2)  # what to run again
        assert {p.name for p in versions[0].iterdir()} >= {
            "member-0",  # two networks from different seeds by default (--members)
            "member-1",
            "config.json",
            "metrics.json",
            "data.json",
        }
        assert (versions[0] / "member-1" / "model.safetensors").exists()
        code, out = run("models", "list", env=env)
        assert out.startswith(f"* {versions[0].name}")
        assert run("models", "use", versions[0].name, env=env)[0] == 0
        code, out = run("models", "use", "nope", env=env)
        assert code != 0
        assert "no model version 'nope'" in out
        code, out = run("train", "mastery", "--format", "csv", "--train", str(log), "--out", str(versions[0]), env=env)
        assert code != 0
        assert "exists already and is not empty" in out, "refused before training, not after"
        assert "training on" not in out


class TestTrainFiles:
    def test_files_listed_after_the_flag_are_all_trained_on(self, tmp_path: Path) -> None:
        first, second = write_log(tmp_path / "a.csv", 20, 1), write_log(tmp_path / "b.csv", 20, 3, "b")
        out_dir = tmp_path / "model"
        code, out = run("train", "mastery", "--format", "csv", "--train", str(first), str(second), "--no-text",
                        "--epochs", "1", "--members", "1", "--threads", "1", "--out", str(out_dir))  # fmt: skip
        assert code == 0, out
        data = json.loads((out_dir / "data.json").read_text())
        assert str(first) in data["source"]
        assert str(second) in data["source"]
        lines = len(first.read_text().splitlines()) + len(second.read_text().splitlines()) - 2  # less the headers
        assert data["rows"] == lines

    def test_the_time_budget_stops_training_and_is_on_by_default(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        log = write_log(tmp_path / "a.csv", 30, 1)
        out_dir = tmp_path / "model"
        code, out = run("train", "mastery", "--format", "csv", "--train", str(log), "--no-text", "--epochs", "5",
                        "--members", "2", "--max-minutes", "0.0001", "--threads", "1",
                        "--out", str(out_dir))  # fmt: skip
        assert code == 0, out
        metrics = json.loads((out_dir / "metrics.json").read_text())
        # one (cut) epoch, not five; no time left for a second member to train an epoch
        assert [epoch["member"] for epoch in metrics["epochs"]] == [0]
        assert (metrics["training"]["members"], metrics["members_trained"]) == (2, 1), "it said 2 alone"
        assert "which a start now serves" not in out, "written with --out: no start serves it"
        assert json.loads((out_dir / "config.json").read_text())["ensemble"] == 1
        assert "1 of 2 members trained" in caplog.text
        assert "default: 14.0" in run("train", "mastery", "--help")[1]
        assert "default: 14.0" in run("evaluate", "mastery", "--help")[1]

    def test_a_students_attempts_in_two_files_are_one_history(self, tmp_path: Path) -> None:
        # The files were stacked with their own attempt numbers: attempt k of the second file became a
        # "sibling" of attempt k of the first, and half the attempts vanished (4,500 rows, 2,250 attempts).
        whole = write_log(tmp_path / "whole.csv", 20, 1)
        header, *lines = whole.read_text().splitlines()
        (tmp_path / "a.csv").write_text("\n".join([header, *lines[: len(lines) // 2]]) + "\n")
        (tmp_path / "b.csv").write_text("\n".join([header, *lines[len(lines) // 2 :]]) + "\n")
        out_dir = tmp_path / "model"
        code, out = run("train", "mastery", "--format", "csv", "--train", str(tmp_path / "a.csv"),
                        str(tmp_path / "b.csv"), "--epochs", "1", "--members", "1", "--threads", "1",
                        "--max-minutes", "2", "--out", str(out_dir))  # fmt: skip
        assert code == 0, out
        data = json.loads((out_dir / "data.json").read_text())
        assert data["attempts"] == data["rows"] == len(lines)
        config = json.loads((out_dir / "config.json").read_text())
        assert config["texts"], "worded skills are their text, as evaluate reads them"

    def test_a_log_that_cannot_be_read_or_options_that_clash_are_one_line_errors(self, tmp_path: Path) -> None:
        empty = tmp_path / "empty.csv"
        empty.write_text("")
        result = CliRunner().invoke(main, ["train", "mastery", "--format", "csv", "--train", str(empty)])
        assert result.exit_code == 1
        assert "problem(s) in the log" in result.output
        assert "Traceback" not in result.output
        result = CliRunner().invoke(main, ["train", "mastery", "--demo", "--format", "csv", "--train", str(empty)])
        assert result.exit_code == 2, "the files were ignored without a word"
        assert "--demo trains on simulated students" in result.output

    def test_files_without_a_format_are_refused(self, tmp_path: Path) -> None:
        log = write_log(tmp_path / "a.csv", 5, 1)
        result = CliRunner().invoke(main, ["train", "mastery", str(log)])
        assert result.exit_code == 2
        assert "need --format" in result.output


class TestEvaluate:
    def test_json_rows_per_model_and_cold_start(self, tmp_path: Path) -> None:
        train, test = write_log(tmp_path / "train.csv", 60, 1), write_log(tmp_path / "test.csv", 20, 2, "t")
        code, out = run("evaluate", "mastery", "--format", "csv", "--train", str(train), "--test", str(test),
                        "--models", "bkt,pfa,pathwise-id", "--json", "--max-epochs", "2",
                        "--members", "2", "--max-minutes", "5")  # fmt: skip
        assert code == 0, out
        rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        assert [r["model"] for r in rows] == ["bkt", "pfa", "pathwise-id"]
        for row in rows:
            assert set(row) >= {"auc", "accuracy", "rmse", "log_loss", "ece", "train_seconds"}
        code, out = run("evaluate", "mastery", "--format", "csv", "--train", str(train), "--test", str(test),
                        "--models", "pfa", "--json", "--cold-start", "0.25")  # fmt: skip
        assert code == 0, out
        assert "1 concepts withheld" in out

    def test_the_protocol_and_the_options_are_checked(self, tmp_path: Path) -> None:
        train, test = write_log(tmp_path / "train.csv", 30, 1), write_log(tmp_path / "test.csv", 10, 2, "t")
        files = ["evaluate", "mastery", "--format", "csv", "--train", str(train)]
        same = CliRunner().invoke(main, [*files, "--test", str(train), "--models", "pfa"])
        assert same.exit_code == 2
        assert "30 student(s) are in both the training and the test logs" in same.output
        for option, value in [("--cold-start", "0"), ("--cold-start", "1.5"), ("--item-cold-start", "1"),
                              ("--max-epochs", "0"), ("--threads", "0"), ("--models", ",")]:  # fmt: skip
            refused = CliRunner().invoke(main, [*files, "--test", str(test), option, value])
            assert refused.exit_code == 2, (option, value, refused.output)
        right = tmp_path / "right.csv"
        right.write_text("student,item,concepts,correct\n" + "".join(f"t{i},q,factoring,1\n" * 2 for i in range(20)))
        code, out = run(*files, "--test", str(right), "--models", "pfa", "--json")
        assert code == 0, out
        [row] = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        assert row["auc"] is None, "undefined, and valid JSON: NaN is not"

    def test_item_cold_start_on_the_demo_compares_with_and_without_wording(self) -> None:
        code, out = run("evaluate", "mastery", "--demo", "--students", "40", "--item-cold-start", "0.3",
                        "--models", "pfa,pathwise,pathwise-no-item-text", "--members", "1", "--max-epochs", "1",
                        "--json")  # fmt: skip
        assert code == 0, out
        assert "items hidden in training" in out
        found = [json.loads(line[line.index('{"model"') :]) for line in out.splitlines() if '{"model"' in line]
        rows = {r["model"]: r for r in found}  # (a progress line may end without a newline before the JSON)
        assert list(rows) == ["pfa", "pathwise", "pathwise-no-item-text"]
        assert len({r["n_scored"] for r in rows.values()}) == 1  # the same rows: those on hidden items
        assert rows["pfa"]["n_scored"] > 0

    def test_a_malformed_logs_problems_are_each_in_the_json_refusal(self, tmp_path: Path) -> None:
        # Each file and line was only in `message`, with `problems` empty, where `attempts import --json`
        # fills it: a script had to parse the text (an audit).
        log = write_log(tmp_path / "log.csv", 10, 1)
        code, out = run("evaluate", "mastery", "--format", "pykt", "--train", str(log), "--test", str(log), "--json")
        assert code == 1, out
        refusal = json.loads(next(line for line in out.splitlines() if line.startswith('{"error"')))["error"]
        assert refusal["code"] == "INVALID"
        assert refusal["problems"], refusal
        assert all(p.startswith(f"{log}:line ") for p in refusal["problems"]), refusal["problems"]
        assert all(p in refusal["message"] for p in refusal["problems"])

    def test_threads_default_to_the_setting_as_train_does(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # evaluate used 1 thread whatever PATHWISE_TORCH_THREADS said, where train used the setting
        import ml.mastery.evaluate

        used: list[int] = []
        monkeypatch.setattr(
            ml.mastery.evaluate, "run_evaluation", lambda names, train, test, args, **_: used.append(args.threads) or []
        )
        for given, env in (([], "3"), (["--threads", "2"], "3")):
            code, out = run("evaluate", "mastery", "--demo", "--students", "8", "--models", "pfa", *given,
                            env={"PATHWISE_TORCH_THREADS": env})  # fmt: skip
            assert code == 0, out
        alone = CliRunner().invoke(evaluate_mastery, ["--demo", "--students", "8", "--models", "pfa"],
                                   env={"PATHWISE_TORCH_THREADS": "4"})  # fmt: skip
        assert alone.exit_code == 0, alone.output  # the command on its own (no `pathwise` above it) reads it too
        assert used == [3, 2, 4]

    def test_demo_or_files_not_both_nor_neither(self, tmp_path: Path) -> None:
        log = write_log(tmp_path / "log.csv", 10, 1)
        code, out = run("evaluate", "mastery", "--demo", "--format", "csv", "--train", str(log), "--test", str(log))
        assert code == 2
        assert "give it no files" in out
        code, out = run("evaluate", "mastery", "--format", "csv", "--train", str(log))
        assert code == 2
        assert "give --format, --train and --test (or --demo)" in out

    def test_all_models_skip_item_ids_only_where_the_log_has_no_items(self) -> None:
        assert "pfa-items" in model_names("all", has_items=True)  # e.g. pyKT files with questions
        assert "pfa-items" not in model_names("all", has_items=False)  # pyKT's assist2015, DKVMN files
        assert "pfa" in model_names("all", has_items=False)
        assert model_names("bkt, pfa-items", has_items=False) == ["bkt", "pfa-items"]  # asked for by name
        assert "pathwise-no-item-text" not in model_names("all", has_items=True)  # no item has text: the same model
        assert "pathwise-no-item-text" in model_names("all", has_items=True, has_item_texts=True)
        assert "pathwise-id" in model_names("all", has_items=True)  # skill names are words: text vs id
        assert "pathwise-id" not in model_names("all", has_items=False, has_concept_texts=False)  # numbers only
        assert "pathwise-id" in model_names("pathwise-id", has_items=False, has_concept_texts=False)

    def test_training_files_listed_after_one_flag_or_repeated_are_the_same(self, tmp_path: Path) -> None:
        first, second = write_log(tmp_path / "a.csv", 30, 1), write_log(tmp_path / "b.csv", 30, 3, "b")
        test = write_log(tmp_path / "test.csv", 20, 2, "t")
        common = ["--test", str(test), "--models", "pfa", "--json"]
        listed = run("evaluate", "mastery", "--format", "csv", "--train", str(first), str(second), *common)
        repeated = run("evaluate", "mastery", "--format", "csv", "--train", str(first), "--train", str(second), *common)
        alone = run("evaluate", "mastery", "--format", "csv", "--train", str(first), *common)
        assert listed[0] == repeated[0] == 0, listed[1]

        def auc(out: str) -> float:
            return float(next(json.loads(line) for line in out.splitlines() if line.startswith("{"))["auc"])

        assert auc(listed[1]) == auc(repeated[1]) != auc(alone[1])


class TestImportUpdatesMastery:
    def test_imported_attempts_get_estimates_from_the_served_model(self, tmp_path: Path) -> None:
        from demo.load import MODEL_DIR
        from ml.mastery.versions import ModelVersions

        env = {"PATHWISE_DATA_DIR": str(tmp_path / "data")}
        ModelVersions(tmp_path / "data" / "models" / "mastery").install(MODEL_DIR, "demo")
        store = f"oxigraph:{tmp_path / 'store'}"
        assert run("--store", store, "demo", "load", "--students", "2", env=env)[0] == 0
        log = tmp_path / "log.csv"
        log.write_text("student,item,concepts,correct\nnew,,slope|exponents,1\nnew,,slope,0\n")
        code, out = run("--store", store, "attempts", "import", str(log), "--format", "csv", "--json", env=env)
        assert code == 0, out
        report = json.loads(out[out.index("{") :])
        assert (report["accepted"], report["estimates"]) == (2, 2)
        code, out = run("--store", store, "info", env=env)
        before = out  # the demo's two students, then the log's attempts and estimates on top
        assert code == 0, out
        counts = dict(line.split(": ", 1) for line in before.splitlines() if line.startswith("attempts: "))
        attempts, estimates = (int(v) for v in counts["attempts"].split("  mastery estimates: "))
        assert attempts >= 2
        assert estimates >= 2
        log.write_text("student,item,concepts,correct\nnew2,,slope,1\n")
        run("--store", store, "attempts", "import", str(log), "--format", "csv", env=env)
        after = run("--store", store, "info", env=env)[1]
        assert f"attempts: {attempts + 1}  mastery estimates: {estimates + 1}" in after


class TestAResearchersOwnLogs:
    """What a researcher met evaluating and training on their own logs."""

    def test_nothing_to_train_on_or_to_score_is_refused_in_json_too(self, tmp_path: Path) -> None:
        # An empty training log was scored as if trained (BKT gave an AUC); other models failed with tracebacks.
        test = write_log(tmp_path / "test.csv", 10, 2, "t")
        header = tmp_path / "header.csv"
        header.write_text("student,item,concepts,correct\n")
        code, out = run("evaluate", "mastery", "--format", "csv", "--train", str(header), "--test", str(test),
                        "--models", "bkt", "--json")  # fmt: skip
        assert code == 2
        assert json.loads(out) == {
            "error": {
                "code": "USAGE",
                "message": "the training log holds no attempts: nothing to train on",
                "problems": [],  # the shape of every --json refusal (pathwise import's has its cycles too)
            }
        }
        train = write_log(tmp_path / "train.csv", 20, 1)
        code, out = run("evaluate", "mastery", "--format", "csv", "--train", str(train), "--test", str(header))
        assert code == 2
        assert "the test log has nothing to score" in out
        code, out = run("evaluate", "mastery", "--format", "csv", "--train", str(train), "--test", str(test),
                        "--cold-start", "0.99")  # fmt: skip
        assert code == 2
        assert "withholds every concept: nothing is left to train on" in out

    def test_a_copy_of_the_training_log_under_other_keys_is_no_test_log(self, tmp_path: Path) -> None:
        # A pyKT copy in another folder got other student keys, so the check by key passed and the
        # model was scored on its own training students.
        train = write_log(tmp_path / "train.csv", 20, 1)
        copy = tmp_path / "copy.csv"
        copy.write_text(train.read_text().replace("\ns", "\nx"))
        code, out = run("evaluate", "mastery", "--format", "csv", "--train", str(train), "--test", str(copy),
                        "--models", "pfa")  # fmt: skip
        assert code == 2
        assert "20 of 20 test students have a training student's very attempts (e.g. test x" in out
        code, out = run("evaluate", "mastery", "--format", "csv", "--train", str(train), "--test", str(copy),
                        "--students", "50")  # fmt: skip
        assert code == 2
        assert "--students is the number of simulated students of --demo" in out

    def test_a_log_with_its_own_column_names_and_a_bom_is_read_by_evaluate_and_train(self, tmp_path: Path) -> None:
        # Only `attempts import` could map columns: evaluate said "missing student column 'student'".
        renamed = tmp_path / "renamed.csv"
        renamed.write_text(
            "\ufeff" + write_log(tmp_path / "log.csv", 30, 1).read_text().replace("student,", "user_id,", 1)
        )
        test = write_log(tmp_path / "test.csv", 10, 2, "t")
        test.write_text(test.read_text().replace("student,", "user_id,", 1))
        code, out = run("evaluate", "mastery", "--format", "csv", "--train", str(renamed), "--test", str(test),
                        "--student-column", "user_id", "--models", "pfa", "--json")  # fmt: skip
        assert code == 0, out
        assert json.loads(out.splitlines()[-1])["n_scored"] > 0
        code, out = run("evaluate", "mastery", "--format", "akt", "--train", str(renamed), "--test", str(test),
                        "--student-column", "user_id")  # fmt: skip
        assert code == 2
        assert "apply to csv logs" in out

    def test_a_model_trained_on_a_log_knows_its_concepts_by_the_ids_the_import_gives_them(self, tmp_path: Path) -> None:
        # Trained on "adding fractions", served over a graph holding adding_fractions_<hash> (attempts import
        # --create-missing): every concept was new to it, placed by its text alone.
        from ingest.attempts.to_graph import concept_id

        data = tmp_path / "data"
        log = write_log(tmp_path / "log.csv", 20, 1)
        code, out = run("train", "mastery", "--format", "csv", "--train", str(log), "--epochs", "1", "--members", "1",
                        "--threads", "1", "--no-text", env={"PATHWISE_DATA_DIR": str(data)})  # fmt: skip
        assert code == 0, out
        [version] = (data / "models" / "mastery").iterdir()
        concepts = json.loads((version / "config.json").read_text())["concepts"]
        assert concept_id("adding fractions") in concepts
        assert "adding fractions" not in concepts
        assert oct(data.stat().st_mode & 0o777) == "0o700", "it holds student data (it was created 0755)"
        statements = tmp_path / "log.jsonl"
        statements.write_text("")
        code, out = run("train", "mastery", "--format", "xapi", "--train", str(statements),
                        env={"PATHWISE_DATA_DIR": str(data)})  # fmt: skip
        assert code == 2
        assert "import them (pathwise attempts import --format xapi) and train from the store" in out


def test_a_file_given_twice_is_refused(tmp_path: Path) -> None:
    # It was read twice and its attempts counted twice, without a word.
    log, test = write_log(tmp_path / "log.csv", 10, 1), write_log(tmp_path / "test.csv", 5, 2, "t")
    for command in (["evaluate", "mastery", "--test", str(test)], ["train", "mastery"]):
        code, out = run(*command, "--format", "csv", "--train", str(log), str(log))
        assert code == 2
        assert "is given twice: each file is read once" in out


class TestCopiesAndEmptyLogs:
    """The researcher's re-test: copies under other names, fixed quizzes, nothing scored or nothing named."""

    def test_one_file_under_two_names_or_keys_is_refused(self, tmp_path: Path) -> None:
        # log.csv and log.csv.gz were read twice: every answer followed by itself, validation AUC 0.77 -> 0.93.
        import gzip

        log, test = write_log(tmp_path / "log.csv", 20, 1), write_log(tmp_path / "test.csv", 10, 2, "t")
        packed = tmp_path / "log.csv.gz"
        packed.write_bytes(gzip.compress(log.read_bytes()))
        renamed = tmp_path / "other.csv"
        renamed.write_text(log.read_text().replace("\ns", "\nz"))  # the same students under other keys
        for second in (packed, renamed):
            for command in (["evaluate", "mastery", "--test", str(test)], ["train", "mastery"]):
                code, out = run(*command, "--format", "csv", "--train", str(log), str(second))
                assert (code, "one file given twice, under another name or other keys" in out) == (2, True), out

    def test_students_answering_one_fixed_quiz_are_not_taken_for_copies(self, tmp_path: Path) -> None:
        rng = np.random.default_rng(3)

        def quiz(path: Path, prefix: str, students: int) -> Path:
            rows = [
                f"{prefix}{s},q{n},skill {n % 2},{int(rng.random() < 0.6)}" for s in range(students) for n in range(6)
            ]
            path.write_text("student,item,concepts,correct\n" + "\n".join(rows) + "\n")
            return path

        train, test = quiz(tmp_path / "a.csv", "a", 60), quiz(tmp_path / "b.csv", "b", 20)
        code, out = run("evaluate", "mastery", "--format", "csv", "--train", str(train), "--test", str(test),
                        "--models", "pfa", "--json")  # fmt: skip
        assert code == 0, out

    def test_a_cold_start_that_leaves_nothing_to_score_is_refused(self, tmp_path: Path) -> None:
        train, test = write_log(tmp_path / "train.csv", 30, 1), tmp_path / "test.csv"
        test.write_text("student,item,concepts,correct\nt1,q,a new skill,1\nt1,q,a new skill,0\n")
        code, out = run("evaluate", "mastery", "--format", "csv", "--train", str(train), "--test", str(test),
                        "--cold-start", "0.2", "--models", "pfa")  # fmt: skip
        assert code == 2
        assert "the cold start leaves no test row to score" in out

    def test_a_log_naming_no_concept_trains_nothing(self, tmp_path: Path) -> None:
        # A model of one concept "" was trained and saved.
        log = tmp_path / "log.csv"
        log.write_text("student,item,concepts,correct\n" + "".join(f"s{i},q{i % 3},,{i % 2}\n" for i in range(40)))
        code, out = run("train", "mastery", "--format", "csv", "--train", str(log), "--out", str(tmp_path / "m"))
        assert code == 1
        assert "the attempts name no concept: give the log a concepts column" in out
        code, out = run("train", "mastery", "--student-column", "user_id")
        assert code == 2
        assert "give --format csv and --train" in out

    def test_a_pin_whose_folder_has_gone_is_named(self, tmp_path: Path) -> None:
        env = {"PATHWISE_DATA_DIR": str(tmp_path / "data")}
        root = tmp_path / "data" / "models" / "mastery"
        root.mkdir(parents=True)
        (root / "CURRENT").write_text("20260101-000000-pathwise\n")
        code, out = run("models", "list", env=env)
        assert "pinned version 20260101-000000-pathwise is gone" in out


def test_the_published_splits_pass_the_log_checks() -> None:
    # The first check of repeated rows refused assist2009's own folds (12 rows of one attempt's skills).
    from cli.log_checks import checked_logs
    from ingest.attempts.formats import read_attempts
    from tests.conftest import DATA

    kt = DATA / "kt"
    if not (kt / "assist2009" / "assist2009_pid_test1.csv").exists() or not (kt / "assist2015" / "test.csv").exists():
        pytest.skip(f"the ASSISTments logs are not under {kt}")
    folds = [kt / "assist2009" / f"assist2009_pid_test{i}.csv" for i in (2, 3, 4, 5)]
    checked_logs(
        read_attempts(folds, "akt"), read_attempts(kt / "assist2009" / "assist2009_pid_test1.csv", "akt"), "akt"
    )
    pykt = kt / "assist2015"
    checked_logs(read_attempts(pykt / "train_valid.csv", "pykt"), read_attempts(pykt / "test.csv", "pykt"), "pykt")
