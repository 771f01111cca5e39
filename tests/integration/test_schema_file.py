"""The committed schema.graphql is the code's schema (regenerate with `make schema`)."""

from __future__ import annotations

from pathlib import Path

from schema.export import schema_sdl

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schema_matches_the_code() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == schema_sdl(), "schema.graphql is out of date: run `make schema` and commit it"
