"""Settings, read once from the environment (and a ``.env`` file when present).

Twelve-factor style, as starlette's ``Config``: every knob has a default that makes
``make run`` work on a fresh clone, and an environment variable to change it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.config import Config, undefined
from starlette.datastructures import Secret

from auth.answer_keys import AnswerKeys
from auth.claims import ClaimRules, parse_role_map
from graph.errors import InvalidInput
from graph.time_zone import time_zone

__all__ = ["ENVIRONMENTS", "Settings", "SettingsError", "load_settings", "problems_of"]


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment."""

    env: str
    host: str
    port: int
    data_dir: Path
    store: str
    load_demo: bool
    stale_check_seconds: float
    torch_threads: int
    mastery: bool
    # Access control and hardening (docs/access-control.md); defaults keep `make run` working.
    jwt_secret: Secret | None = None
    jwt_public_key: Path | None = None
    jwt_max_ttl_seconds: int = 400 * 86400  # a year and a bit: a scrape token minted for a year still works
    # An identity provider's tokens: the audience(s) and issuer required, where the role is, its names for roles.
    jwt_audience: tuple[str, ...] = ()
    jwt_issuer: str | None = None
    jwt_role_claim: str = "role"
    jwt_role_map: str = ""  # Name=role,... (auth.claims.parse_role_map)
    min_cell: int = 5
    max_body_bytes: int = 1024 * 1024
    max_depth: int = 15
    max_aliases: int = 50
    max_tokens: int = 10_000
    max_cost: int = 50_000
    # Question answering over the materials (docs/asking-questions.md).
    qa: bool = True
    qa_min_confidence: float = 0.45
    qa_generator: str = "none"  # none | smollm2 | openai:http://host:port[/v1]#model
    qa_generator_api_key: Secret | None = None
    # Student keys are keyed hashes of external ids (docs/privacy.md); production needs the secret.
    pseudonym_secret: Secret | None = None
    # Where `backupData` and `pathwise backup` (without a folder) put backups; ship them elsewhere.
    backup_dir: Path | None = None
    # How many backups of backup_dir to keep (0: all). Older ones still hold forgotten students.
    backup_keep: int = 7
    # Browser origins allowed to call the API from another origin (CORS); none by default.
    cors_origins: tuple[str, ...] = ()
    # Request headers such an app may send beyond Authorization, Content-Type and X-Request-ID (its SDKs' tracing).
    cors_headers: tuple[str, ...] = ()
    xapi_account_homes: tuple[str, ...] = ()  # LMSs whose xAPI accounts are keyed by their bare name
    # The school's time zone (IANA name): where a trend's days, weeks and months start.
    time_zone: str = "UTC"
    # Logging (docs/monitoring.md): the level, and whether each request gets an access line.
    log_level: str = "info"
    access_log: bool = True
    # How long a stop waits for requests in flight before closing them (an orchestrator's grace is 30 s).
    shutdown_seconds: float = 20.0
    # How long a forget's answer waits for the store rewrite that purges its files (docs/privacy.md, "Erasure").
    forget_wait_seconds: float = 20.0
    # When a student reads an exercise's answer key (auth.answer_keys): after-attempt, open or staff.
    answer_keys: str = AnswerKeys.AFTER_ATTEMPT.value

    @property
    def development(self) -> bool:
        """Development mode: GraphiQL on, errors shown in full, no token needed."""
        return self.env != "production"

    def claim_rules(self) -> ClaimRules:
        """What a token's claims must say (docs/access-control.md); the settings were checked on loading.

        An audience left unset is checked nowhere: development accepts a token that names
        one (and logs it), production refuses it until ``PATHWISE_JWT_AUDIENCE`` is set.
        """
        return ClaimRules(
            audience=self.jwt_audience,
            issuer=self.jwt_issuer,
            role_claim=self.jwt_role_claim,
            role_map=parse_role_map(self.jwt_role_map),
            accept_unchecked_audience=self.development,
        )


ENVIRONMENTS = ("development", "production")
LOG_LEVELS = ("debug", "info", "warning", "error")
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")
_HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")  # an HTTP token (RFC 9110)


def problems_of(settings: Settings) -> list[str]:
    """What is wrong with the settings, one line per variable.

    Checked when they are read, so a bad value stops the service before it starts, in one
    line, rather than after loading (a port of 99999) or never: ``PATHWISE_ENV=Production``
    used to run open to anyone as an admin, since only exactly "production" was production.
    """
    found = []
    if settings.env not in ENVIRONMENTS:
        found.append(f"PATHWISE_ENV is {settings.env!r}: give development or production")
    if not 1 <= settings.port <= 65535:
        found.append(f"PATHWISE_PORT is {settings.port}: give a port in 1..65535")
    backend, _, rest = settings.store.partition(":")
    if not ((backend == "memory" and not rest) or (backend in ("oxigraph", "sparql") and rest)):
        found.append(
            f"PATHWISE_STORE is {settings.store!r}: give memory, oxigraph:<dir> or sparql:<query-url>[,<update-url>]"
        )
    if settings.data_dir.exists() and not settings.data_dir.is_dir():
        found.append(f"PATHWISE_DATA_DIR is {str(settings.data_dir)!r}, which is a file: give a folder")
    if settings.backup_dir is not None and settings.backup_dir.exists() and not settings.backup_dir.is_dir():
        found.append(f"PATHWISE_BACKUP_DIR is {str(settings.backup_dir)!r}, which is a file: give a folder")
    at_least_one = {
        "PATHWISE_TORCH_THREADS": settings.torch_threads,
        "PATHWISE_MIN_CELL": settings.min_cell,
        "PATHWISE_MAX_BODY_BYTES": settings.max_body_bytes,
        "PATHWISE_MAX_DEPTH": settings.max_depth,
        "PATHWISE_MAX_ALIASES": settings.max_aliases,
        "PATHWISE_MAX_TOKENS": settings.max_tokens,
    }
    found += [f"{name} is {value}: give 1 or more" for name, value in at_least_one.items() if value < 1]
    try:
        time_zone(settings.time_zone)
    except InvalidInput as wrong:
        found.append(f"PATHWISE_TIME_ZONE is {settings.time_zone!r}: {wrong.message}")
    if settings.jwt_max_ttl_seconds < 0:
        found.append(f"PATHWISE_JWT_MAX_TTL_SECONDS is {settings.jwt_max_ttl_seconds}: give 0 (any) or more")
    if not settings.jwt_role_claim.strip(". "):
        found.append(f"PATHWISE_JWT_ROLE_CLAIM is {settings.jwt_role_claim!r}: name the claim that holds the role")
    try:
        parse_role_map(settings.jwt_role_map)
    except ValueError as error:
        found.append(f"PATHWISE_JWT_ROLE_MAP: {error}: give Name=role pairs, comma-separated")
    if settings.max_cost < 0:  # 0 turns the check off, as documented (it was refused)
        found.append(f"PATHWISE_MAX_COST is {settings.max_cost}: give 0 (no limit) or more")
    kind, _, argument = settings.qa_generator.strip().partition(":")
    url, _, model = argument.partition("#")
    if kind.strip().lower() not in ("", "none", "smollm2", "openai") or (
        kind.strip().lower() == "openai" and not (url.strip().startswith(("http://", "https://")) and model.strip())
    ):
        found.append(
            f"PATHWISE_QA_GENERATOR is {settings.qa_generator!r}: give none, smollm2 or openai:http://host:port[/v1]#model"
        )
    if not 0.0 <= settings.qa_min_confidence <= 1.0:
        found.append(f"PATHWISE_QA_MIN_CONFIDENCE is {settings.qa_min_confidence}: give a value in [0, 1]")
    if not settings.stale_check_seconds >= 0:  # NaN too
        found.append(f"PATHWISE_STALE_CHECK_SECONDS is {settings.stale_check_seconds}: give 0 or more")
    if settings.log_level not in LOG_LEVELS:
        found.append(f"PATHWISE_LOG_LEVEL is {settings.log_level!r}: give one of {', '.join(LOG_LEVELS)}")
    if not 0 <= settings.shutdown_seconds <= 3600:
        found.append(f"PATHWISE_SHUTDOWN_SECONDS is {settings.shutdown_seconds}: give 0 to 3600")
    if not 0 <= settings.forget_wait_seconds <= 3600:
        found.append(f"PATHWISE_FORGET_WAIT_SECONDS is {settings.forget_wait_seconds}: give 0 to 3600")
    bad_origins = [o for o in settings.cors_origins if o != "*" and not _ORIGIN.fullmatch(o)]
    if bad_origins:
        found.append(
            f"PATHWISE_CORS_ORIGINS has {', '.join(map(repr, bad_origins))}: give origins as scheme://host[:port] "
            "(no path), comma-separated, or *"
        )
    bad_headers = [h for h in settings.cors_headers if not _HEADER_NAME.fullmatch(h)]
    if bad_headers:
        found.append(
            f"PATHWISE_CORS_HEADERS has {', '.join(map(repr, bad_headers))}: give header names, comma-separated"
        )
    if settings.answer_keys not in {k.value for k in AnswerKeys}:
        found.append(
            f"PATHWISE_ANSWER_KEYS is {settings.answer_keys!r}: give after-attempt (a student reads an exercise's key "
            "once they have answered it), open (everyone) or staff (no student)"
        )
    if settings.backup_keep < 0:
        found.append(f"PATHWISE_BACKUP_KEEP is {settings.backup_keep}: give 0 (keep every backup) or more")
    return found


class SettingsError(ValueError):
    """Settings that cannot be used: ``problems`` lists each variable's, the message joins them."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def load_settings(env_file: str | None = ".env") -> Settings:
    """Read the settings; ``PATHWISE_STORE`` defaults to Oxigraph inside the data folder.

    Raises:
        SettingsError: a variable that does not parse, or any of ``problems_of`` (all listed).
    """
    config = _Collecting(Config(env_file if env_file and Path(env_file).exists() else None))
    data_dir = Path(config("PATHWISE_DATA_DIR", default="./pathwise-data"))
    env = config("PATHWISE_ENV", default="development").strip().lower()
    settings = Settings(
        env=env,
        host=config("PATHWISE_HOST", default="127.0.0.1"),
        port=config("PATHWISE_PORT", cast=int, default=8000),
        data_dir=data_dir,
        store=config("PATHWISE_STORE", default=f"oxigraph:{data_dir / 'store'}"),
        # production: an empty store stays empty (a volume mounted wrong came up serving 200 simulated students)
        load_demo=config("PATHWISE_LOAD_DEMO", cast=bool, default=env != "production"),
        stale_check_seconds=config("PATHWISE_STALE_CHECK_SECONDS", cast=float, default=1.0),
        torch_threads=config("PATHWISE_TORCH_THREADS", cast=int, default=1),
        mastery=config("PATHWISE_MASTERY", cast=bool, default=True),
        jwt_secret=config("PATHWISE_JWT_SECRET", cast=Secret, default=None),
        jwt_public_key=config("PATHWISE_JWT_PUBLIC_KEY", cast=Path, default=None),
        jwt_max_ttl_seconds=config("PATHWISE_JWT_MAX_TTL_SECONDS", cast=int, default=400 * 86400),
        jwt_audience=tuple(a.strip() for a in config("PATHWISE_JWT_AUDIENCE", default="").split(",") if a.strip()),
        jwt_issuer=config("PATHWISE_JWT_ISSUER", default="").strip() or None,
        jwt_role_claim=config("PATHWISE_JWT_ROLE_CLAIM", default="role").strip(),
        jwt_role_map=config("PATHWISE_JWT_ROLE_MAP", default=""),
        min_cell=config("PATHWISE_MIN_CELL", cast=int, default=5),
        max_body_bytes=config("PATHWISE_MAX_BODY_BYTES", cast=int, default=1024 * 1024),
        max_depth=config("PATHWISE_MAX_DEPTH", cast=int, default=15),
        max_aliases=config("PATHWISE_MAX_ALIASES", cast=int, default=50),
        max_tokens=config("PATHWISE_MAX_TOKENS", cast=int, default=10_000),
        max_cost=config("PATHWISE_MAX_COST", cast=int, default=50_000),
        qa=config("PATHWISE_QA", cast=bool, default=True),
        qa_min_confidence=config("PATHWISE_QA_MIN_CONFIDENCE", cast=float, default=0.45),
        qa_generator=config("PATHWISE_QA_GENERATOR", default="none"),
        qa_generator_api_key=config("PATHWISE_QA_GENERATOR_API_KEY", cast=Secret, default=None),
        pseudonym_secret=config("PATHWISE_PSEUDONYM_SECRET", cast=Secret, default=None),
        backup_dir=config("PATHWISE_BACKUP_DIR", cast=Path, default=data_dir / "backups"),
        backup_keep=config("PATHWISE_BACKUP_KEEP", cast=int, default=7),
        cors_origins=tuple(
            o.strip().rstrip("/") for o in config("PATHWISE_CORS_ORIGINS", default="").split(",") if o.strip()
        ),
        cors_headers=tuple(h.strip() for h in config("PATHWISE_CORS_HEADERS", default="").split(",") if h.strip()),
        xapi_account_homes=tuple(
            h.strip() for h in config("PATHWISE_XAPI_ACCOUNT_HOMES", default="").split(",") if h.strip()
        ),
        time_zone=config("PATHWISE_TIME_ZONE", default="UTC").strip(),
        log_level=config("PATHWISE_LOG_LEVEL", default="info").strip().lower(),
        access_log=config("PATHWISE_ACCESS_LOG", cast=bool, default=True),
        shutdown_seconds=config("PATHWISE_SHUTDOWN_SECONDS", cast=float, default=20.0),
        forget_wait_seconds=config("PATHWISE_FORGET_WAIT_SECONDS", cast=float, default=20.0),
        answer_keys=config("PATHWISE_ANSWER_KEYS", default=AnswerKeys.AFTER_ATTEMPT.value).strip().lower(),
    )
    problems = config.problems + problems_of(settings)
    if problems:
        raise SettingsError(problems)
    return settings


_KINDS: dict[object, str] = {int: "a whole number", float: "a number", bool: "true or false"}


class _Collecting:
    """starlette's ``Config``, noting a value that does not parse (with its default in its place) to go on reading.

    ``PATHWISE_PORT=abc`` stopped the reading there, so the other bad variables were
    found one start at a time; they are all named in one line now, as range errors are.
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self.problems: list[str] = []

    def __call__(self, name: str, cast: Any = None, default: Any = undefined) -> Any:
        try:
            return self.config(name, cast=cast, default=default)
        except ValueError:
            given = self.config(name, default=None)
            self.problems.append(f"{name} is {given!r}: give {_KINDS.get(cast, 'another value')}")
            return default
