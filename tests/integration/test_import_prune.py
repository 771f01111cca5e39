"""``importCurriculum(input: {replaceExisting: true, prune: true})`` and ``pathwise import --replace --prune``.

The rows a designer removed from the sheets go with the import, in its transaction;
before, each was a ``deleteConcept`` or ``deleteMaterial`` call of its own afterwards.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from cli.main import main
from tests.csv_sheets import drop, rows
from tests.integration.conftest import Client

FILES = "concepts prerequisites materials curricula translations"
EXPORT = f'{{ exportCurriculumCsv(curriculumId: "arith") {{ {FILES} }} }}'
IMPORT = """mutation($input: ImportCurriculumInput!) { importCurriculum(input: $input) {
  __typename ... on ImportSummary { concepts dryRun warnings
    pruned { concepts materials prerequisites narrower materialLinks estimates } }
  ... on CurriculumError { code field message problems } } }"""


def edited(files: dict[str, str]) -> dict[str, str]:
    """The sheets without concept ``quad`` (and its edge) and material ``m_eq``."""
    return {
        **files,
        "concepts": drop(files["concepts"], {"quad"}),
        "prerequisites": drop(files["prerequisites"], {"quad"}, (0, 1)),
        "materials": drop(files["materials"], {"m_eq"}),
    }


class TestGraphqlCsv:
    def test_the_sheets_without_two_rows_prune_them(self, client: Client) -> None:
        sheets = edited(client.execute(EXPORT)["exportCurriculumCsv"])
        given = {"format": "CSV", "csv": sheets, "replaceExisting": True, "prune": True}
        dry = client.execute(IMPORT, {"input": {**given, "dryRun": True}})["importCurriculum"]
        assert (dry["dryRun"], dry["pruned"]["concepts"]) == (True, ["quad"])
        assert client.execute('{ concept(id: "quad") { id } }') == {"concept": {"id": "quad"}}  # a dry run
        done = client.execute(IMPORT, {"input": given})["importCurriculum"]
        assert done["__typename"] == "ImportSummary", done
        assert done["pruned"] == {
            "concepts": ["quad"],
            "materials": ["m_eq"],
            "prerequisites": 1,
            "narrower": 0,
            "materialLinks": 0,
            "estimates": 0,
        }
        assert not [w for w in done["warnings"] if w.startswith("curriculum ")]
        assert client.execute('{ concept(id: "quad") { id } material(id: "m_eq") { id } }') == {
            "concept": None,
            "material": None,
        }
        assert rows(client.execute(EXPORT)["exportCurriculumCsv"]) == rows(sheets)
        plain = client.execute(IMPORT, {"input": {**given, "prune": False}})["importCurriculum"]
        assert plain["pruned"] is None  # null without prune

    def test_prune_without_replace_is_refused_before_the_document_is_read(self, client: Client) -> None:
        refused = client.execute(IMPORT, {"input": {"format": "CSV", "csv": {"concepts": "id\n"}, "prune": True}})
        assert refused["importCurriculum"] == {
            "__typename": "CurriculumError",
            "code": "INVALID",
            "field": "prune",
            "message": "prune deletes what a replace leaves out of the curricula it names: give it with "
            "replaceExisting (--replace)",
            "problems": [
                "prune deletes what a replace leaves out of the curricula it names: give it with replaceExisting "
                "(--replace)"
            ],
        }

    def test_a_concept_of_another_curriculum_requiring_a_pruned_one_refuses_it(self, client: Client) -> None:
        for mutation in (
            'createCurriculum(input: {id: "geo", title: "Geometry"})',
            'createConcept(input: {id: "area", label: "Area", curriculumId: "geo", prerequisites: ["quad"]})',
        ):
            client.execute(f"mutation {{ {mutation} {{ __typename }} }}")
        sheets = edited(client.execute(EXPORT)["exportCurriculumCsv"])
        given = {"format": "CSV", "csv": sheets, "replaceExisting": True, "prune": True}
        refused = client.execute(IMPORT, {"input": given})["importCurriculum"]
        assert (refused["code"], refused["field"]) == ("INVALID", "prune")
        assert refused["problems"] == [
            "concept area (curriculum geo) requires quad, which the prune would delete: a prune changes nothing "
            "outside the curricula the import names (arith); keep quad in the import, or remove the edge with "
            "removePrerequisite"
        ]
        assert client.execute('{ concept(id: "quad") { id } material(id: "m_eq") { id } }') == {
            "concept": {"id": "quad"},
            "material": {"id": "m_eq"},
        }


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


class TestCli:
    def test_an_exported_folder_without_rows_prunes_them(self, tmp_path: Path) -> None:
        store = ("--store", f"oxigraph:{tmp_path / 'store'}")
        folder = tmp_path / "demo"
        assert run(*store, "demo", "load", "--students", "3")[0] == 0
        assert run(*store, "export", str(folder), "--format", "csv", "--curriculum", "algebra")[0] == 0
        files = {p.stem: p.read_text() for p in folder.glob("*.csv")}
        gone = {"discriminant", "quadratic_word_problems"}  # two concepts no other requires
        materials = list(csv.reader(io.StringIO(files["materials"])))[1:]
        linked = {r[0] for r in materials if set(r[5].split("|") + r[6].split("|")) & gone}  # teaches, assesses
        gone_materials = linked | {next(r[0] for r in materials if r[0] not in linked)}  # and one row besides
        sheets = {
            **files,
            "concepts": drop(files["concepts"], gone),
            "prerequisites": drop(files["prerequisites"], gone, (0, 1)),
            "materials": drop(files["materials"], gone_materials),
            "translations": drop(files["translations"], gone),
        }
        for name, text in sheets.items():
            (folder / f"{name}.csv").write_text(text)
        before = run(*store, "info")[1]

        code, out = run(*store, "import", str(folder), "--replace", "--prune", "--dry-run")
        assert code == 0, out
        assert f"  would prune: {len(gone)} concepts (" in out
        assert run(*store, "info")[1] == before  # a dry run wrote nothing

        code, out = run(*store, "import", str(folder), "--replace", "--prune", "--json")
        assert code == 0, out
        report: dict[str, Any] = json.loads(out[out.index("{") :])
        assert report["pruned"]["concepts"] == sorted(gone)
        assert report["pruned"]["materials"] == sorted(gone_materials)
        assert report["pruned"]["prerequisites"] == 4
        assert not [w for w in report["warnings"] if w.startswith("curriculum algebra:")]
        again = tmp_path / "again"
        assert run(*store, "export", str(again), "--format", "csv", "--curriculum", "algebra")[0] == 0
        assert rows({p.stem: p.read_text() for p in again.glob("*.csv")}) == rows(sheets)

    def test_prune_without_replace_is_a_usage_error(self, tmp_path: Path) -> None:
        folder = tmp_path / "c"
        folder.mkdir()
        (folder / "concepts.csv").write_text("id,label\na,A\n")
        store = ("--store", f"oxigraph:{tmp_path / 'store'}")
        plain = CliRunner().invoke(main, [*store, "import", str(folder), "--prune"])
        assert plain.exit_code == 2, plain.output
        assert "--prune deletes what a replace leaves out of the curricula the file names: add --replace" in (
            plain.stderr
        )
        as_json = CliRunner().invoke(main, [*store, "import", str(folder), "--prune", "--json"])
        assert as_json.exit_code == 2
        assert json.loads(as_json.stdout) == {
            "error": {
                "code": "USAGE",
                "message": "--prune deletes what a replace leaves out of the curricula the file names: add --replace",
                "problems": [],
            }
        }
        assert "no store at" in run(*store, "info")[1], "refused before the store was opened: none was made"

    def test_the_report_names_the_first_few_and_counts_the_rest(self, tmp_path: Path) -> None:
        folder = tmp_path / "c"
        folder.mkdir()
        store = ("--store", f"oxigraph:{tmp_path / 'store'}")
        (folder / "curricula.csv").write_text("id,title\nalg,Algebra\n")
        (folder / "concepts.csv").write_text("id,label,scheme\n" + "".join(f"c{n},C {n},alg\n" for n in range(8)))
        assert run(*store, "import", str(folder))[0] == 0
        (folder / "concepts.csv").write_text("id,label,scheme\nc0,C 0,alg\n")
        code, out = run(*store, "import", str(folder), "--replace", "--prune")
        assert code == 0, out
        assert (
            "  pruned: 7 concepts (c1, c2, c3, c4, c5 and 2 more), 0 materials; with them 0 prerequisite edges, "
            "0 narrower links, 0 material links, 0 estimates"
        ) in out
        assert "concepts: 1" in run(*store, "info")[1]
