"""What a ``pathwise`` command opens first: the configured store (or why it cannot), the student keys.

Shared by every command that reads or writes the store, so each refuses a store a
running service holds in the same words, naming what that service offers instead.
"""

from __future__ import annotations

from pathlib import Path

from cli.exits import fail, stop
from graph.errors import ErrorCode, KnowledgeGraphError, StoreInUse, StoreUnopenable
from graph.folders import private_folder
from graph.pseudonyms import PseudonymConfigError, Pseudonymizer, load_pseudonymizer
from graph.repository import KnowledgeGraph
from graph.store import open_store
from settings import Settings

__all__ = ["ATTEMPTS_INSTEAD", "IMPORT_INSTEAD", "INFO_INSTEAD", "NoStore", "open_graph", "open_pseudonyms"]


# What a running service offers instead, named in the refusal (docs/cli.md): the generic
# "make the change through its GraphQL API" named no mutation, and told `info`, a read, to change something.
IMPORT_INSTEAD = "import through it with the importCurriculum mutation, or stop it first"
INFO_INSTEAD = "ask its /healthz for the counts and revision, or stop it first"
ATTEMPTS_INSTEAD = "send the attempts with the recordAttempts or recordStatements mutation, or stop it first"


def open_graph(
    settings: Settings,
    store: str | None,
    *,
    instead: str | None = None,
    as_json: bool = False,
    reading: bool = False,
) -> KnowledgeGraph:
    """The configured store, or exit with why; ``instead`` is what a running service answers for this command.

    ``as_json``: the refusal is the command's JSON report on stdout (``cli.exits.fail``), as its
    other refusals are: a script reading ``import --json`` got nothing on stdout for a store in use.
    ``reading``: a command that only reads (``info``, ``report``, ``export``) is refused where
    no embedded store exists. Run without ``PATHWISE_DATA_DIR`` set, ``report`` made an empty
    ``./pathwise-data/store`` and answered from it (the cohort "does not exist", ``info``
    counted 0 students): an operator who forgot the environment read that as the data gone.
    """
    spec = store or settings.store
    location = Path(spec.partition(":")[2]) if spec.startswith("oxigraph:") else None
    if reading and location is not None and not location.exists():
        fail(NoStore(str(location.absolute())), as_json=as_json)
    if spec.startswith("oxigraph:"):
        parent = Path(spec.partition(":")[2]).parent
        if parent == settings.data_dir:
            private_folder(parent)
        else:
            parent.mkdir(parents=True, exist_ok=True)
    try:
        return KnowledgeGraph(open_store(spec))
    except StoreInUse as error:
        if instead is not None:  # a read: "make the change through GraphQL" told a reader to change something
            error = StoreInUse(error.location, instead=instead)
        fail(error, as_json=as_json)
        raise  # unreachable: fail exits
    except KnowledgeGraphError as error:
        fail(error, as_json=as_json)
        raise  # unreachable: fail exits
    except (RuntimeError, OSError, ValueError) as error:  # RocksDB's "Corruption: ...", a URL no store answers at
        said = str(error).splitlines()[0] if str(error) else type(error).__name__
        remedy = " (`pathwise backups list` names the backups to restore)" if location is not None else ""
        fail(StoreUnopenable(f"the store {spec} does not open: {said}{remedy}"), as_json=as_json)
        raise  # unreachable: fail exits


def open_pseudonyms(settings: Settings) -> Pseudonymizer:
    """The same student keys as ``pathwise serve`` (same secret); exits when there is none in production."""
    secret = settings.pseudonym_secret
    try:
        found, _ = load_pseudonymizer(
            str(secret) if secret is not None else None, development=settings.development, data_dir=settings.data_dir
        )
    except PseudonymConfigError as error:
        stop(str(error))
        raise  # unreachable: stop exits
    return found


class NoStore(KnowledgeGraphError):
    """A command that reads was pointed at an embedded store that does not exist."""

    code = ErrorCode.NOT_FOUND

    def __init__(self, location: str) -> None:
        super().__init__(
            f"no store at {location}: point PATHWISE_DATA_DIR (or PATHWISE_STORE, or --store oxigraph:DIR) at the "
            "service's data; `pathwise import` or `pathwise serve` creates a store"
        )
