"""The committed schema.graphql is the code's schema (regenerate with `make schema`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from schema.export import main, schema_sdl

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schema_matches_the_code() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == schema_sdl(), "schema.graphql is out of date: run `make schema` and commit it"


def test_the_export_command_checks_writes_and_takes_no_option_for_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--check", "old.graphql"]) == 1
    assert "old.graphql is out of date" in capsys.readouterr().err
    assert main(["old.graphql"]) == 0
    assert main(["old.graphql", "--check"]) == 0  # the option on either side
    with pytest.raises(SystemExit) as help_asked:  # it wrote the schema into a file named "--help"
        main(["--help"])
    assert help_asked.value.code == 0
    assert "--check" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.graphql"]
