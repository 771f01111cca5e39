"""Student keys are pseudonyms: a keyed hash of the external id, never the id itself.

Whoever sends a student id to Pathwise (a GraphQL argument, a roster, an attempt log, a
student token's ``sub``) sends the *external* id: a school's student number, an LMS
user id, an xAPI actor. Every such boundary turns it into the student's *key* with
:class:`Pseudonymizer` before anything is stored or compared, so the store, the caches,
the model state and the logs only ever see keys:

- ``key(external_id)`` is ``stu-`` followed by the first 128 bits (32 hex digits) of
  HMAC-SHA-256 over the external id with a secret held outside the store
  (``PATHWISE_PSEUDONYM_SECRET``). Without the secret a key cannot be linked to a
  person, not even by hashing a guessed id and comparing.
- ``resolve(given)`` accepts either form: a string that is exactly a key (``stu-`` and
  32 lowercase hex digits) is returned as it is, anything else is hashed. So ids the API
  lists (keys) work in follow-up queries, and a student's token (external id) reaches
  the same key. An external id system must not issue ids of the key's exact form.
- ``opaque(value, kind)`` derives other ids that would otherwise embed an external id
  (an attempt id ``log:alice:3`` from a log) the same keyed way.

The secret is part of the data: changing it makes every stored key unreachable from
the external ids, so it is backed up with the store and never rotated in place.
``load_pseudonymizer`` takes it from the settings, or in development from a random
secret kept in ``<data dir>/dev-pseudonym-secret`` (created once, mode 0600); in
production without one nothing starts.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from graph.folders import private_folder
from graph.model import Attempt

__all__ = [
    "DEV_SECRET_FILE",
    "KEY_PREFIX",
    "MAX_EXTERNAL_ID",
    "MIN_SECRET_BYTES",
    "SECRET_CHECK_FILE",
    "PseudonymConfigError",
    "Pseudonymizer",
    "StudentKeys",
    "canonical_id",
    "check_secret",
    "dev_pseudonym_secret",
    "external_id_problem",
    "id_text",
    "load_pseudonymizer",
    "mbox_identifier",
    "pseudonymise_attempts",
]

KEY_PREFIX = "stu-"
MIN_SECRET_BYTES = 32
DEV_SECRET_FILE = "dev-pseudonym-secret"
_KEY = re.compile(r"^stu-[0-9a-f]{32}\Z")
_NEAR_KEY = re.compile(r"^stu-[0-9a-f]{24,40}\Z", re.IGNORECASE)  # a key with a digit lost or added, or upper-cased


class PseudonymConfigError(Exception):
    """The pseudonym secret is missing (in production) or unusable."""


class StudentKeys(Protocol):
    """What the transport needs: any student id given to it, as the key the store uses."""

    def resolve(self, given: str) -> str:
        """The key of ``given`` (an external id or a key already)."""
        ...

    def key(self, external_id: str) -> str:
        """The key of an external id, always hashed (a token's ``sub``: see ``Context.acting``)."""
        ...

    def opaque(self, value: str, kind: str = "attempt") -> str:
        """A keyed, stable id for something named after an external id (a client's attempt id)."""
        ...


class Pseudonymizer:
    """Keyed pseudonyms for student ids (HMAC-SHA-256, truncated to 128 bits).

    Examples:
        >>> pz = Pseudonymizer(b"a secret of at least thirty-two bytes!")
        >>> key = pz.key("alice@example.org")
        >>> key.startswith("stu-"), len(key), pz.is_key(key), "alice" in key
        (True, 36, True, False)
        >>> pz.resolve("alice@example.org") == pz.resolve(key) == key
        True
        >>> Pseudonymizer(b"another secret of thirty-two bytes!!").key("alice@example.org") == key
        False
    """

    def __init__(self, secret: bytes) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise PseudonymConfigError(f"the pseudonym secret must be at least {MIN_SECRET_BYTES} bytes")
        self._secret = secret

    def __repr__(self) -> str:
        """Never shows the secret."""
        return "Pseudonymizer(<secret>)"

    def _digest(self, domain: str, value: str) -> str:
        message = f"{domain}\x00{value}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]

    @staticmethod
    def is_key(value: str) -> bool:
        """Whether ``value`` has the exact form of a student key.

        Examples:
            >>> Pseudonymizer.is_key("stu-" + "0" * 32), Pseudonymizer.is_key("stu-1"), Pseudonymizer.is_key("s1")
            (True, False, False)
        """
        return bool(_KEY.match(value))

    def key(self, external_id: str) -> str:
        """The student key of an external id (always hashed, whatever its form; see ``canonical_id``).

        Raises:
            ValueError: an empty id, or one of spaces only (it named nobody, and answered null).
        """
        canonical = canonical_id(external_id)
        if not canonical:
            raise ValueError("a student id is empty")
        return KEY_PREFIX + self._digest("student", canonical)

    def earlier_keys(self, external_id: str) -> list[str]:
        """The other keys an external id had before ids were read in NFC (``canonical_id``), at most two.

        Keys are hashes, so the key a student was stored under cannot be read back from
        the store; it can be made again from the id: hashed as written (trimmed), and in
        NFD (an id given in NFC now, stored from a decomposed log before). Empty for an id
        whose forms all agree (every ASCII id) and for a key.

        Examples:
            >>> pz = Pseudonymizer(b"a secret of at least thirty-two bytes!")
            >>> pz.earlier_keys("ada"), pz.earlier_keys("stu-" + "0" * 32)
            ([], [])
            >>> [old] = pz.earlier_keys("Jos\\u00e9")
            >>> old == pz.earlier_keys("Jose\\u0301")[0] != pz.key("Jose\\u0301")
            True
        """
        if self.is_key(external_id.strip()) or all(
            unicodedata.is_normalized(form, external_id) for form in ("NFC", "NFD")
        ):  # every id of plain ASCII: one form only, nothing more to hash
            return []
        now = self.key(external_id)
        found: list[str] = []
        for written in (external_id, unicodedata.normalize("NFD", external_id)):
            earlier = KEY_PREFIX + self._digest("student", _canonical_as_written(written))
            if earlier not in (now, *found):
                found.append(earlier)
        return found

    def resolve(self, given: str) -> str:
        """``given`` as a key: returned as it is when it is one already, else hashed.

        Raises:
            ValueError: an empty id.
        """
        return given.strip() if self.is_key(given.strip()) else self.key(given)

    def opaque(self, value: str, kind: str = "attempt") -> str:
        """A keyed, stable id for something named after an external id (``kind-`` + 32 hex).

        Examples:
            >>> pz = Pseudonymizer(b"a secret of at least thirty-two bytes!")
            >>> a = pz.opaque("log:alice:3")
            >>> a == pz.opaque("log:alice:3") != pz.opaque("log:alice:4"), a.startswith("attempt-"), "alice" in a
            (True, True, False)
        """
        return f"{kind}-{self._digest(kind, value)}"


def id_text(value: str) -> str:
    """An id as it is compared: in Unicode NFC, without the spaces around it (a student's, a ``clientId``).

    Examples:
        >>> id_text(" Jose\\u0301 ") == "Jos\\u00e9", id_text("Ana") == id_text("ana")
        (True, False)
    """
    return unicodedata.normalize("NFC", value).strip()


def mbox_identifier(mbox: str) -> str:
    """An xAPI ``mbox`` (with or without ``mailto:``) as its ``mbox_sha1sum``, the form both spellings share.

    The scheme is written in lower case, as the xAPI spec writes it and a client hashing
    its own ``mbox_sha1sum`` does: ``MAILTO:`` made a second learner. The address is
    hashed as written, in Unicode NFC (RFC 6532's form for an internationalised address):
    ``josé@`` typed with a combining accent made a second learner.

    Examples:
        >>> mbox_identifier("mailto:a@example.org") == mbox_identifier(" a@example.org ")
        True
        >>> mbox_identifier("MAILTO:a@example.org") == mbox_identifier("mailto:a@example.org")
        True
        >>> mbox_identifier("a@example.org").startswith("mbox_sha1sum:")
        True
        >>> mbox_identifier("jos\\u00e9@example.org") == mbox_identifier("jose\\u0301@example.org")
        True
    """
    given = id_text(mbox)
    address = f"mailto:{given[7:] if given[:7].lower() == 'mailto:' else given}"
    return "mbox_sha1sum:" + hashlib.sha1(address.encode(), usedforsecurity=False).hexdigest()


MAX_EXTERNAL_ID = 512
"""The longest id a client may give (a student's, a ``clientId``, a log's attempt id): an LMS's are far shorter."""


def external_id_problem(value: str, what: str = "a student id", *, at: bool = True, student: bool = True) -> str | None:
    """Why ``value`` cannot be an external id (``None``: it can): a control character, or over ``MAX_EXTERNAL_ID``.

    A NUL byte or a line break in an id is a client's bug (a C string, a pasted cell),
    and 100,000 characters were taken as a student id; labels and titles refuse both.
    A ``student`` id that is nearly a key (``stu-`` and 31 hex digits, or in upper case)
    is a key copied wrong: hashed as an external id, it recorded attempts for a new
    student nobody can find, while the real one's history stayed as it was.

    Examples:
        >>> external_id_problem("ada"), external_id_problem("a\\x00b")
        (None, 'a student id holds a control character (U+0000 at position 2)')
        >>> external_id_problem("x" * 513, "clientId")
        'clientId of 513 characters is longer than 512'
        >>> external_id_problem("stu-" + "a" * 31)[:60]
        'a student id looks like a student key copied wrong: a key is'
        >>> external_id_problem("stu-0042"), external_id_problem("stu-" + "A" * 32, "clientId", student=False)
        (None, None)
    """
    for position, character in enumerate(value, start=1):
        if unicodedata.category(character) == "Cc":
            where = f" at position {position}" if at else ""  # not in an id the caller never wrote
            return f"{what} holds a control character (U+{ord(character):04X}{where})"
    if len(value) > MAX_EXTERNAL_ID:
        return f"{what} of {len(value)} characters is longer than {MAX_EXTERNAL_ID}"
    given = value.strip()
    if student and _NEAR_KEY.match(given) and not _KEY.match(given):
        return (
            f"{what} looks like a student key copied wrong: a key is 'stu-' and 32 lowercase hex digits, "
            f"{given!r} has {len(given) - len(KEY_PREFIX)}{'' if given == given.lower() else ' and capitals'}; "
            "give the key as the API lists it, or the student's own id"
        )
    return None


def canonical_id(external_id: str) -> str:
    """The form of an external id that is hashed: ``id_text`` (NFC, trimmed), a ``mailto:`` address as xAPI keys it.

    Every boundary that takes a student id (GraphQL arguments, a token's ``sub``, rosters,
    attempt logs of every format, xAPI actors) keys it through here, so this is where an id
    is normalised. "José" typed with ``é`` as one code point (NFC, as most keyboards send
    it) and as ``e`` plus a combining accent (NFD, as macOS file names and some LMS
    exports hold it) look the same and were two students, two histories. Ids that still
    differ in NFC stay apart: letter case is kept ("Ana" and "ana" are two ids, as an LMS
    may issue both), and so are compatibility forms (full-width letters, ligatures).
    A roster line's " 4 " was read as "4" and a ``recordAttempts`` of " 4 " as itself, so a
    padded id from a spreadsheet made a second student, in no cohort. And an xAPI learner
    named by ``mbox`` is keyed by its ``mbox_sha1sum``: an erasure or access request that
    names them ``mailto:...`` reaches the same key (it was NOT_FOUND while their data stayed).

    Examples:
        >>> canonical_id(" 4 ")
        '4'
        >>> canonical_id("Jose\\u0301") == canonical_id("Jos\\u00e9") == "Jos\\u00e9"
        True
        >>> canonical_id("Ana") == canonical_id("ana")
        False
        >>> canonical_id("mailto:zoe@example.org") == mbox_identifier("zoe@example.org")
        True
    """
    given = id_text(external_id)
    return mbox_identifier(given) if given[:7].lower() == "mailto:" else given


def _canonical_as_written(external_id: str) -> str:
    """``canonical_id`` as it was before ids were read in NFC: the key ``Pseudonymizer.earlier_keys`` makes again."""
    given = external_id.strip()
    if given[:7].lower() != "mailto:":
        return given
    address = f"mailto:{given[7:]}"
    return "mbox_sha1sum:" + hashlib.sha1(address.encode(), usedforsecurity=False).hexdigest()


def pseudonymise_attempts(attempts: Iterable[Attempt], pseudonyms: Pseudonymizer) -> list[Attempt]:
    """Attempts read from outside (a log, the demo), with keyed students and attempt ids.

    The attempt id of a log usually embeds the student's external id, so it is replaced
    by ``opaque(id)``: stable, so importing the same log again still adds nothing.

    Examples:
        >>> from datetime import UTC, datetime
        >>> pz = Pseudonymizer(b"a secret of at least thirty-two bytes!")
        >>> [a] = pseudonymise_attempts([Attempt("log_alice_1", "alice", datetime(2024, 1, 1, tzinfo=UTC), 1.0)], pz)
        >>> a.student == pz.key("alice"), "alice" in a.id
        (True, False)
    """
    return [replace(a, id=pseudonyms.opaque(a.id), student=pseudonyms.resolve(a.student)) for a in attempts]


def keyed_with_a_configured_secret(data_dir: Path) -> bool:
    """Whether the folder's students were keyed with a configured secret, not a development one: a production folder.

    A CLI command run there without ``PATHWISE_ENV=production`` wrote development secrets
    into it (``dev-jwt-secret``, ``dev-pseudonym-secret``), which every backup then carried.
    """
    return (data_dir / SECRET_CHECK_FILE).exists() and not (data_dir / DEV_SECRET_FILE).exists()


CONFIGURED_FOLDER = (
    "{data_dir} belongs to a deployment with configured secrets (its students were keyed with "
    "PATHWISE_PSEUDONYM_SECRET): run this with PATHWISE_ENV=production and that deployment's secrets; "
    "no development secret was written there"
)


def dev_pseudonym_secret(data_dir: Path) -> tuple[bytes, bool]:
    """The development secret in ``data_dir``, created (mode 0600) when absent.

    Returns ``(secret, created)``.

    Raises:
        PseudonymConfigError: the file holds a secret that is too short, or the folder is a
            production one (``keyed_with_a_configured_secret``): none is created there.
    """
    path = data_dir / DEV_SECRET_FILE
    if not path.exists() and keyed_with_a_configured_secret(data_dir):
        raise PseudonymConfigError(CONFIGURED_FOLDER.format(data_dir=data_dir))
    private_folder(data_dir)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = path.read_text().strip().encode()
        if len(secret) < MIN_SECRET_BYTES:
            raise PseudonymConfigError(f"{path} holds a secret shorter than {MIN_SECRET_BYTES} bytes") from None
        return secret, False
    text = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")
    return text.encode(), True


def load_pseudonymizer(secret: str | None, *, development: bool, data_dir: Path) -> tuple[Pseudonymizer, str]:
    """The deployment's pseudonymizer and where its secret came from (for the log).

    Raises:
        PseudonymConfigError: production without ``PATHWISE_PSEUDONYM_SECRET``, or a short secret.
    """
    if secret is not None:
        found, source = Pseudonymizer(secret.encode()), "PATHWISE_PSEUDONYM_SECRET"
    elif not development:
        raise PseudonymConfigError("production needs PATHWISE_PSEUDONYM_SECRET (at least 32 bytes)")
    else:
        value, _ = dev_pseudonym_secret(data_dir)
        found, source = Pseudonymizer(value), f"the development secret in {data_dir / DEV_SECRET_FILE}"
    check_secret(found, data_dir, source)
    return found, source


SECRET_CHECK_FILE = "pseudonym-secret.check"
"""A keyed token of a fixed string, written beside the data the first time a secret is used with it."""


def check_secret(pseudonyms: Pseudonymizer, data_dir: Path, source: str = "the configured secret") -> None:
    """Refuse a secret other than the one this data folder's students were keyed with.

    Started with another secret, the service found none of the stored students: every
    query treated them as new, and ``forgetStudent`` answered NOT_FOUND while their data
    stayed. The first secret used with a folder leaves a check token there (a keyed hash
    of a fixed string: it reveals nothing of the secret); a later start must match it.

    Raises:
        PseudonymConfigError: the folder's token was made with another secret.
    """
    path = data_dir / SECRET_CHECK_FILE
    token = pseudonyms.opaque("pathwise-pseudonym-secret", "check")
    try:
        stored = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        private_folder(data_dir)
        path.write_text(token + "\n", encoding="utf-8")
        return
    if stored != token:
        raise PseudonymConfigError(
            f"{source} is not the pseudonym secret the students in {data_dir} were keyed with ({path} says so): "
            "start with that secret, or every stored student becomes unreachable and erasure requests miss them"
        )
