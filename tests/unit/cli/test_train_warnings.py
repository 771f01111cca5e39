"""``pathwise train mastery`` says when its validation figure cannot judge the model it saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.train import train
from settings import load_settings

LOG = "student,item,concepts,correct,timestamp\n" + "".join(
    f"s{s},q{i},ratios,{(s + i) % 2},2026-01-0{1 + i}T10:00:00Z\n" for s in range(4) for i in range(5)
)


@pytest.mark.parametrize(("n", "warned"), [(14, True), (1104, False)])
def test_a_validation_figure_on_a_handful_of_answers_is_said_to_say_little(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int, warned: bool
) -> None:
    # A district's first xAPI export (4 learners, 53 answers) trained a model with a validation AUC of
    # 1.0 on 14 answers of one student, with no word of it, and a start served it in place of the demo's.
    import ml.mastery.train

    def trained(*_: Any, **__: Any) -> dict[str, Any]:
        return {"model": "pathwise", "valid": {"auc": 1.0, "n": n}}

    monkeypatch.setattr(ml.mastery.train, "train_mastery", trained)
    log = tmp_path / "log.csv"
    log.write_text(LOG)
    result = CliRunner().invoke(
        train,
        ["mastery", "--format", "csv", "--train", str(log), "--out", str(tmp_path / "model")],
        obj={"settings": load_settings()},
    )
    assert result.exit_code == 0, result.output
    assert ("rests on 14 held-out answer(s)" in result.stderr) is warned, result.stderr
