"""Accessibility metadata through the CSV layout, Turtle and JSON-LD: bad lines named, nothing lost on a round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import Material, MaterialType
from graph.repository import KnowledgeGraph
from graph.store import open_store
from ingest.csv_layout import parse_curriculum_csv, read_curriculum_csv, write_curriculum_csv
from ingest.errors import MalformedInput
from ingest.export import export_text
from ingest.formats import read_text

HEADER = (
    "id,title,type,teaches,language,access_modes,accessibility_features,accessibility_hazards,accessibility_summary\n"
)

DESCRIBED = Material(
    "m_graph",
    "Reading a graph",
    MaterialType.READING,
    teaches=("quad",),
    language="es-MX",
    access_modes=("textual", "visual"),
    accessibility_features=("alternativeText", "describedMath", "longDescription"),
    accessibility_hazards=("none",),
    accessibility_summary='Every figure has a description; "y = x²" is read out as words.',
)
CAPTIONED = Material(
    "m_video",
    "Slope, a video",
    MaterialType.VIDEO,
    assesses=("eq",),
    access_modes=("auditory", "visual"),
    accessibility_features=("closedCaptions", "transcript"),
    accessibility_hazards=("noFlashingHazard", "noMotionSimulationHazard", "noSoundHazard"),
)


class TestCsv:
    def test_columns_read_in_any_case_and_kept_as_schema_org_spells_them(self) -> None:
        materials = HEADER + 'm1,M,video,,EN-us,Auditory|VISUAL,closedcaptions | Transcript,none,"Captions, English"\n'
        [material] = parse_curriculum_csv({"materials": materials}).materials
        assert material.language == "en-US"
        assert material.access_modes == ("auditory", "visual")
        assert material.accessibility_features == ("closedCaptions", "transcript")
        assert material.accessibility_hazards == ("none",)
        assert material.accessibility_summary == "Captions, English"

    def test_files_without_the_columns_read_as_before(self) -> None:
        [material] = parse_curriculum_csv({"materials": "id,title,type\nm1,M,reading\n"}).materials
        assert material == Material("m1", "M", MaterialType.READING)

    def test_a_bad_value_is_reported_with_its_line_and_nothing_is_applied(
        self, kg: KnowledgeGraph, tmp_path: Path
    ) -> None:
        (tmp_path / "materials.csv").write_text(
            HEADER
            + "m_ok,Fine,video,quad,en,textual,captions,,\n"
            + "m_typo,Typo,video,quad,en,textual,caption,,\n"
            + "m_lang,Lang,reading,quad,english,sight,,flashing|noFlashingHazard,\n",
            encoding="utf-8",
        )
        with pytest.raises(MalformedInput) as caught:
            read_curriculum_csv(tmp_path)
        problems = caught.value.problems
        assert [p.split(": ")[0] for p in problems] == ["materials.csv:line 3"] + ["materials.csv:line 4"] * 3
        assert "accessibility feature 'caption' is not a schema.org term (did you mean 'captions'" in problems[0]
        assert "language 'english' is not a BCP 47 language tag" in problems[1]
        assert "access mode 'sight' is not a schema.org term" in problems[2]
        assert "'flashing' and 'noFlashingHazard' contradict each other" in problems[3]
        assert not {"m_ok", "m_typo", "m_lang"} & kg.projection.material_ids

    def test_a_bad_value_comes_with_the_lines_other_problems(self) -> None:
        materials = HEADER + "m1,M,video,,en,,caption,,\n"
        bad_type = materials.replace(",video,", ",film,")
        with pytest.raises(MalformedInput) as caught:
            parse_curriculum_csv({"materials": bad_type})
        assert len(caught.value.problems) == 2

    def test_export_writes_them_and_import_gives_them_back(self, kg: KnowledgeGraph, tmp_path: Path) -> None:
        kg.create_material(DESCRIBED)
        kg.create_material(CAPTIONED)
        write_curriculum_csv(kg.export_bundle(), tmp_path)
        header = (tmp_path / "materials.csv").read_text(encoding="utf-8").splitlines()[0]
        assert f",text,{HEADER.split(',teaches,')[1].strip()}," in f"{header},"  # after the old columns
        back = {m.id: m for m in read_curriculum_csv(tmp_path).materials}
        assert back["m_graph"] == DESCRIBED
        assert back["m_video"] == CAPTIONED
        assert back["m_add"] == kg.material("m_add")  # no metadata: none comes back


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
def test_an_rdf_export_imported_again_keeps_them(kg: KnowledgeGraph, fmt: str) -> None:
    kg.create_material(DESCRIBED)
    kg.create_material(CAPTIONED)
    text = export_text(kg, fmt, "arith")
    fresh = KnowledgeGraph(open_store("memory"))
    fresh.import_bundle(read_text(text, fmt))
    assert fresh.material("m_graph") == DESCRIBED
    assert fresh.material("m_video") == CAPTIONED
    assert export_text(fresh, fmt, "arith") == text


def test_a_deprecated_feature_is_kept_with_a_warning(kg: KnowledgeGraph) -> None:
    # "captions" says nothing of whether a viewer can turn them off; it was kept without a word.
    materials = HEADER + "m1,M,video,,en,auditory|visual,captions,none,\n"
    report = kg.import_bundle(parse_curriculum_csv({"materials": materials}))
    assert kg.material("m1").accessibility_features == ("captions",)
    assert report.warnings == [
        "accessibility feature 'captions' of 1 material (m1) is replaced in schema.org's vocabulary by "
        "closedCaptions or openCaptions"
    ]
