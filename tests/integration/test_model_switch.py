"""startMasteryModelSwitch and masteryModelSwitch: a switch followed while it runs, refused twice, stopped."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from demo.load import MODEL_DIR
from graph.mastery import estimate_triples, stored_estimate_triples
from graph.model import Attempt, MasteryEstimate
from ml.mastery.predict import OnlineMastery
from tests.integration.conftest import Api

COPY = "20990101-000000-copy"
RECORD = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) { __typename } }"""
START = """mutation($v: String!) { startMasteryModelSwitch(version: $v) {
  __typename ... on MasteryModelSwitch { version previousVersion phase running students }
  ... on AttemptsError { code field message } } }"""
FOLLOW = """{ masteryModelSwitch { version phase running students studentsReplayed estimatesRewritten
  servedAt finishedAt error } }"""
MASTERY = """query($id: ID!) { student(id: $id) { mastery { concept { id } modelVersion } } }"""


@pytest.fixture
def held(api: Api, monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """The switch's replay waits for ``release`` once it has begun (``replaying``)."""
    for student in ("kid", "other"):
        api(RECORD, {"a": [{"studentId": student, "conceptIds": ["slope"], "correct": True}]})
    api.mastery.versions.install(MODEL_DIR, COPY)
    replaying, release = threading.Event(), threading.Event()
    load = api.mastery.load

    def load_and_hold(version: str) -> OnlineMastery:
        candidate = load(version)
        replay = candidate.replay

        def hold(histories: Mapping[str, Sequence[Attempt]]) -> None:
            replaying.set()
            assert release.wait(timeout=20)
            replay(histories)

        monkeypatch.setattr(candidate, "replay", hold)
        return candidate

    monkeypatch.setattr(api.mastery, "load", load_and_hold)
    return replaying, release


def wait_until_ended(api: Api) -> dict[str, object]:
    switch = api.mastery.switch
    assert switch is not None
    assert switch.finished.wait(timeout=30), "the switch ended"
    answer: dict[str, object] = api(FOLLOW)["masteryModelSwitch"]
    return answer


class TestStartMasteryModelSwitch:
    def test_answers_at_once_and_is_followed_to_its_end(
        self, api: Api, held: tuple[threading.Event, threading.Event]
    ) -> None:
        replaying, release = held
        assert api(FOLLOW) == {"masteryModelSwitch": None}, "no switch since the start"
        started = api(START, {"v": COPY})["startMasteryModelSwitch"]
        assert started == {
            "__typename": "MasteryModelSwitch",
            "version": COPY,
            "previousVersion": "demo",
            "phase": "REPLAYING",
            "running": True,
            "students": 2,  # counted before the answer (it said 0)
        }
        assert replaying.wait(timeout=20)
        during = api(FOLLOW)["masteryModelSwitch"]
        assert (during["phase"], during["running"], during["students"], during["servedAt"]) == (
            "REPLAYING",
            True,
            2,
            None,
        )
        assert api(MASTERY, {"id": "kid"})["student"]["mastery"][0]["modelVersion"] == "demo", "the old one serves"
        release.set()
        ended = wait_until_ended(api)
        assert (ended["phase"], ended["running"], ended["studentsReplayed"], ended["estimatesRewritten"]) == (
            "DONE",
            False,
            2,
            2,
        )
        assert ended["servedAt"] is not None
        assert ended["finishedAt"] is not None
        assert ended["error"] is None
        assert api.mastery.version == COPY
        assert api(MASTERY, {"id": "kid"})["student"]["mastery"][0]["modelVersion"] == COPY

    def test_a_second_switch_while_one_runs_is_refused_not_queued(
        self, api: Api, held: tuple[threading.Event, threading.Event]
    ) -> None:
        replaying, release = held
        api(START, {"v": COPY})
        assert replaying.wait(timeout=20)
        again = api(START, {"v": "demo"})["startMasteryModelSwitch"]
        assert (again["code"], again["field"]) == ("UNAVAILABLE", "version")
        assert f"a switch to mastery model {COPY} is running" in again["message"]
        waited = api('mutation { useMasteryModel(version: "demo") { ... on AttemptsError { code } } }')
        assert waited["useMasteryModel"] == {"code": "UNAVAILABLE"}
        release.set()
        assert wait_until_ended(api)["phase"] == "DONE"
        assert api(START, {"v": "demo"})["startMasteryModelSwitch"]["__typename"] == "MasteryModelSwitch"
        assert wait_until_ended(api)["phase"] == "DONE"
        assert api.mastery.version == "demo"

    def test_a_version_that_is_not_there_or_does_not_load_is_refused_at_once(self, api: Api) -> None:
        missing = api(START, {"v": "nope"})["startMasteryModelSwitch"]
        assert (missing["code"], missing["field"]) == ("NOT_FOUND", "version")
        # "model version 'nope' does not exist" and nothing more: the admin had to look the names up elsewhere
        assert missing["message"] == "model version 'nope' does not exist (versions there, newest first: demo)"
        assert api(FOLLOW) == {"masteryModelSwitch": None}, (
            "a typo is no switch: it replaced the last real one's record"
        )
        folder = api.mastery.versions.install(MODEL_DIR, COPY)
        (folder / "config.json").write_text("{ not json")
        damaged = api(START, {"v": COPY})["startMasteryModelSwitch"]
        assert (damaged["code"], damaged["field"]) == ("INVALID", "version")
        assert api.mastery.version == "demo"
        assert api(FOLLOW)["masteryModelSwitch"]["phase"] == "FAILED", "the last switch, and why it ended"
        assert api(START, {"v": "demo"})["startMasteryModelSwitch"]["__typename"] == "MasteryModelSwitch"

    def test_a_stop_ends_it_and_before_serving_nothing_changed(
        self, api: Api, held: tuple[threading.Event, threading.Event]
    ) -> None:
        replaying, release = held
        api(START, {"v": COPY})
        assert replaying.wait(timeout=20)
        stopping = threading.Thread(target=api.mastery.stop_switch, args=(20,))
        stopping.start()
        release.set()  # the chunk under way finishes; the next one sees the stop
        stopping.join(timeout=30)
        ended = wait_until_ended(api)
        assert ended["phase"] == "STOPPED"
        assert "stopped" in str(ended["error"])
        assert api.mastery.version == "demo"
        assert api(MASTERY, {"id": "kid"})["student"]["mastery"][0]["modelVersion"] == "demo"

    def test_the_version_served_replays_nothing_and_rewrites_only_other_versions_estimates(self, api: Api) -> None:
        # it replayed every student and rewrote every estimate to the same values (256 s on a district's store)
        for student in ("kid", "other"):
            api(RECORD, {"a": [{"studentId": student, "conceptIds": ["slope"], "correct": True}]})
        stale = MasteryEstimate("kid", "slope", 0.5, "an-older-model", datetime(2026, 1, 1, tzinfo=UTC))
        replaced = stored_estimate_triples(api.kg.store, [("kid", "slope")])
        api.kg.commit(replaced, list(estimate_triples(stale)), lambda: None)
        replays: list[object] = []
        api.mastery.load = lambda version: replays.append(version)  # type: ignore[assignment,method-assign,return-value]
        started = api(START, {"v": "demo"})["startMasteryModelSwitch"]
        assert (started["version"], started["previousVersion"]) == ("demo", "demo")
        ended = wait_until_ended(api)
        kid = api(MASTERY, {"id": "kid"})["student"]["mastery"]
        assert (ended["phase"], ended["students"], ended["studentsReplayed"], ended["estimatesRewritten"]) == (
            "DONE",
            1,  # kid alone has an estimate another version made; their estimates are estimated again
            0,
            len(kid),
        )
        assert ended["servedAt"] is not None
        assert replays == [], "the served model is not loaded again"
        assert {e["modelVersion"] for e in kid} == {"demo"}
        assert api.mastery.versions.pinned() == "demo", "pinned, as a switch to another version pins it"
        again = api('mutation { useMasteryModel(version: "demo") { __typename } }')["useMasteryModel"]
        assert again == {"__typename": "MasteryModelInfo"}
        assert api(FOLLOW)["masteryModelSwitch"]["estimatesRewritten"] == 0, "nothing left to rewrite"
        # nothing to re-estimate: the answer itself says DONE (it said REWRITING_ESTIMATES, running, for 20 ms)
        at_once = api(START, {"v": "demo"})["startMasteryModelSwitch"]
        assert (at_once["phase"], at_once["running"], at_once["students"]) == ("DONE", False, 0)


def test_healthz_names_a_running_switch_and_a_stop_ends_it(
    api: Api,
    held: tuple[threading.Event, threading.Event],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An operator sees the switch in /healthz; a stop ends it instead of closing the store under it."""
    from dataclasses import replace

    from starlette.testclient import TestClient

    from server import create_app
    from settings import load_settings

    monkeypatch.setenv("PATHWISE_DATA_DIR", str(tmp_path / "data"))
    settings = replace(load_settings(env_file=None), qa=False)
    replaying, release = held
    caplog.set_level("INFO", logger="pathwise.mastery")
    with TestClient(create_app(settings, kg=api.kg, mastery=api.mastery)) as client:
        assert "mastery_model_switch" not in client.get("/healthz").json()
        api(START, {"v": COPY})
        assert replaying.wait(timeout=20)
        assert client.get("/healthz").json()["mastery_model_switch"] == {"version": COPY, "phase": "REPLAYING"}
        threading.Timer(0.5, release.set).start()  # the chunk under way ends after the stop has begun
    switch = api.mastery.switch
    assert switch is not None
    assert not switch.running, "the stop waited for the switch to end"
    assert switch.phase.value == "STOPPED"
    assert api.mastery.version == "demo"
    assert "the service stopped during the switch" in caplog.text
    assert not [r for r in caplog.records if r.levelname == "ERROR"], "a stop is no failure: alerts fired on deploys"
