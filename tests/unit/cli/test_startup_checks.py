"""Settings and startup refusals: a bad value stops the service in one line, before it serves anything."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from graph.pseudonyms import PseudonymConfigError, Pseudonymizer, check_secret, load_pseudonymizer
from graph.repository import KnowledgeGraph
from graph.store import open_store
from graph.xapi_homes import AccountHomesChanged, keying_marks
from settings import load_settings

SECRET = "s" * 40
OTHER = "o" * 40


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PATHWISE_DATA_DIR", str(tmp_path / "data"))
    for name in ("PATHWISE_ENV", "PATHWISE_JWT_SECRET", "PATHWISE_PSEUDONYM_SECRET", "PATHWISE_PORT"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


def serve(env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["serve"], env=env)
    return result.exit_code, result.output


class TestSettings:
    def test_a_misspelt_environment_is_refused_not_read_as_development(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # "Production" and "prod" ran the service open to anyone as an admin.
        monkeypatch.setenv("PATHWISE_ENV", "Production")
        assert load_settings(env_file=None).development is False
        monkeypatch.setenv("PATHWISE_ENV", "prod")
        with pytest.raises(ValueError, match="PATHWISE_ENV is 'prod': give development or production"):
            load_settings(env_file=None)

    def test_every_bad_value_is_listed_in_one_line(self, monkeypatch: pytest.MonkeyPatch) -> None:
        bad = {
            "PATHWISE_PORT": "99999",
            "PATHWISE_TORCH_THREADS": "0",
            "PATHWISE_STORE": "bogus",
            "PATHWISE_QA_GENERATOR": "smollm",
            "PATHWISE_CORS_ORIGINS": "https://ok.example, app.example, https://x.example/path",
            "PATHWISE_STALE_CHECK_SECONDS": "nan",
            "PATHWISE_LOG_LEVEL": "loud",
            "PATHWISE_SHUTDOWN_SECONDS": "-1",
            "PATHWISE_FORGET_WAIT_SECONDS": "7200",
            "PATHWISE_MAX_COST": "0",  # documented as "no limit": accepted
            "PATHWISE_TIME_ZONE": "US/Chicagoo",
            "PATHWISE_ANSWER_KEYS": "students",
            "PATHWISE_CORS_HEADERS": "sentry-trace, x trace:1",
        }
        for name, value in bad.items():
            monkeypatch.setenv(name, value)
        result = CliRunner().invoke(main, ["info"])
        assert result.exit_code == 1
        assert "PATHWISE_PORT is 99999: give a port in 1..65535" in result.output
        assert "PATHWISE_TORCH_THREADS is 0: give 1 or more" in result.output
        assert "PATHWISE_STORE is 'bogus'" in result.output
        assert "PATHWISE_QA_GENERATOR is 'smollm': give none, smollm2 or openai:" in result.output
        assert "PATHWISE_CORS_ORIGINS has 'app.example', 'https://x.example/path': give origins" in result.output
        assert "PATHWISE_STALE_CHECK_SECONDS is nan: give 0 or more" in result.output
        assert "PATHWISE_LOG_LEVEL is 'loud': give one of debug, info, warning, error" in result.output
        assert "PATHWISE_SHUTDOWN_SECONDS is -1.0: give 0 to 3600" in result.output
        assert "PATHWISE_FORGET_WAIT_SECONDS is 7200.0: give 0 to 3600" in result.output
        assert "PATHWISE_TIME_ZONE is 'US/Chicagoo': unknown time zone 'US/Chicagoo': did you mean" in result.output
        assert "PATHWISE_ANSWER_KEYS is 'students': give after-attempt (a student reads" in result.output
        assert "PATHWISE_CORS_HEADERS has 'x trace:1': give header names, comma-separated" in result.output
        assert "MAX_COST" not in result.output
        assert "Traceback" not in result.output

    def test_values_that_do_not_parse_are_named_with_the_others(
        self, data_dir: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # PATHWISE_PORT=abc stopped the reading: only it was named, in starlette's words (an audit).
        for name, value in (("PATHWISE_PORT", "abc"), ("PATHWISE_QA", "maybe"), ("PATHWISE_TORCH_THREADS", "0")):
            monkeypatch.setenv(name, value)
        result = CliRunner().invoke(main, ["info"])
        assert result.exit_code == 1
        assert "PATHWISE_PORT is 'abc': give a whole number" in result.output
        assert "PATHWISE_QA is 'maybe': give true or false" in result.output
        assert "PATHWISE_TORCH_THREADS is 0: give 1 or more" in result.output

    def test_a_port_in_use_is_refused_before_anything_loads(self, data_dir: Path) -> None:
        # Uvicorn said so after the models and the demo had loaded, 17-20 s in.
        import socket

        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            result = CliRunner().invoke(main, ["serve", "--port", str(port)])
        assert result.exit_code == 1
        assert f"cannot bind 127.0.0.1:{port}: Address already in use" in result.output
        assert not data_dir.exists(), "nothing was written: no store, no development secrets"

    def test_a_data_dir_that_is_a_file_is_named(self, data_dir: Path) -> None:
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        data_dir.write_text("not a folder")
        result = CliRunner().invoke(main, ["info"])
        assert (result.exit_code, "which is a file: give a folder" in result.output) == (1, True), result.output


class TestServePreflight:
    def test_production_without_a_token_key_stops_before_the_banner(self) -> None:
        code, out = serve({"PATHWISE_ENV": "production", "PATHWISE_PSEUDONYM_SECRET": SECRET})
        assert code == 1
        assert "error: production needs" in out
        assert "Pathwise on http" not in out

    def test_another_pseudonym_secret_than_the_datas_is_refused(self, data_dir: Path) -> None:
        # Started with another secret, no stored student was found, and forgetStudent answered NOT_FOUND.
        load_pseudonymizer(None, development=True, data_dir=data_dir)  # a folder made in development
        code, out = serve(
            {"PATHWISE_ENV": "production", "PATHWISE_JWT_SECRET": SECRET, "PATHWISE_PSEUDONYM_SECRET": OTHER}
        )
        assert code == 1
        assert "is not the pseudonym secret the students in" in out
        assert "Pathwise on http" not in out


def test_the_first_secret_used_with_a_folder_is_the_only_one_it_takes(tmp_path: Path) -> None:
    check_secret(Pseudonymizer(SECRET.encode()), tmp_path)
    check_secret(Pseudonymizer(SECRET.encode()), tmp_path)  # the same again: fine
    with pytest.raises(PseudonymConfigError, match="keyed with"):
        check_secret(Pseudonymizer(OTHER.encode()), tmp_path)
    assert SECRET not in (tmp_path / "pseudonym-secret.check").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["token", "--role", "admin", "--sub", "ops", "--secret-env", "NOT_SET_ANYWHERE"],
            "NOT_SET_ANYWHERE is not set",
        ),
        (["train", "mastery", "--members", "0"], "Invalid value for '--members'"),
        (["train", "mastery", "--max-minutes", "-1"], "Invalid value for '--max-minutes'"),
    ],
)
def test_arguments_that_cannot_work_are_refused_in_one_line(args: list[str], message: str) -> None:
    # The unset variable signed with the development secret; --members 0 ended in a traceback.
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (1, 2)
    assert message in result.output, result.output
    assert "Traceback" not in result.output


class TestXapiAccountHomesAtStart:
    """PATHWISE_XAPI_ACCOUNT_HOMES turned on after statements were stored keyed every learner of the LMS anew."""

    @staticmethod
    def keyed_without_homes(store: str) -> KnowledgeGraph:
        kg = KnowledgeGraph(open_store(store))
        kg.commit([], keying_marks(kg.store, []), lambda: None)  # as the first statement stored records them
        return kg

    def test_serve_stops_before_anything_loads(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True)
        self.keyed_without_homes(f"oxigraph:{data_dir / 'store'}").store.close()
        code, out = serve({"PATHWISE_XAPI_ACCOUNT_HOMES": "http://www.example.org/"})
        assert code == 1
        assert "error [UNAVAILABLE]: PATHWISE_XAPI_ACCOUNT_HOMES names 'http://www.example.org', but" in out
        assert "added 'http://www.example.org'" in out
        assert "Pathwise on http" not in out

    def test_an_app_started_another_way_stops_in_its_lifespan(self, data_dir: Path) -> None:
        from starlette.testclient import TestClient

        from server import create_app

        kg = self.keyed_without_homes("memory")
        homes = ("http://www.example.org",)
        settings = replace(load_settings(env_file=None), xapi_account_homes=homes, qa=False, mastery=False)
        with pytest.raises(AccountHomesChanged), TestClient(create_app(settings, kg=kg)):
            pass
        with TestClient(create_app(replace(settings, xapi_account_homes=()), kg=kg)) as client:
            assert client.get("/healthz").status_code == 200
