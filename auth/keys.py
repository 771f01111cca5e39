"""Where the verification and signing keys come from, for the server and ``pathwise token``.

- ``PATHWISE_JWT_SECRET`` (HS256, at least 32 bytes) and/or ``PATHWISE_JWT_PUBLIC_KEY``
  (the path of a PEM public key, RS256).
- In development with neither, a random secret kept in ``<data dir>/dev-jwt-secret``
  (created once, mode 0600), so ``pathwise token`` and ``pathwise serve`` agree without
  any setup and a dev token is useless against another checkout.
- In production with neither, nothing starts: ``KeyConfigError``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from auth.claims import ClaimRules
from auth.tokens import MIN_SECRET_BYTES, VerificationKeys
from graph.folders import private_folder

__all__ = ["DEV_SECRET_FILE", "KeyConfigError", "LoadedKeys", "dev_secret", "load_keys"]

DEV_SECRET_FILE = "dev-jwt-secret"


class KeyConfigError(Exception):
    """The deployment's keys are missing or unusable."""


@dataclass(frozen=True)
class LoadedKeys:
    """The verification keys, the HS256 secret for minting, and where they came from (for logs)."""

    keys: VerificationKeys
    secret: str | None
    source: str


def dev_secret(data_dir: Path, *, pseudonym_configured: bool = False) -> tuple[str, bool]:
    """The development secret in ``data_dir``, created (mode 0600) when absent.

    Returns ``(secret, created)``.

    Raises:
        KeyConfigError: a secret too short, or a production folder used without its secrets
            (``pseudonym_configured`` false): none is created there, since a token signed with
            it is refused by the deployment, and backups carried the file.
    """
    from graph.pseudonyms import CONFIGURED_FOLDER, keyed_with_a_configured_secret

    path = data_dir / DEV_SECRET_FILE
    if not path.exists() and not pseudonym_configured and keyed_with_a_configured_secret(data_dir):
        raise KeyConfigError(CONFIGURED_FOLDER.format(data_dir=data_dir))
    private_folder(data_dir)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = path.read_text().strip()
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise KeyConfigError(f"{path} holds a secret shorter than {MIN_SECRET_BYTES} bytes; delete it") from None
        return secret, False
    secret = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret + "\n")
    return secret, True


def _check_rsa_public_key(pem: str, path: Path) -> None:
    """Fail at start, not at the first request, when the public key is not an RSA PEM key."""
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        key = load_pem_public_key(pem.encode())
    except ValueError:
        raise KeyConfigError(f"PATHWISE_JWT_PUBLIC_KEY: {path} is not a PEM public key") from None
    if not isinstance(key, RSAPublicKey):
        raise KeyConfigError(f"PATHWISE_JWT_PUBLIC_KEY: {path} is not an RSA key (RS256 needs one)")


def load_keys(
    *,
    secret: str | None,
    public_key_path: Path | None,
    development: bool,
    data_dir: Path,
    max_lifetime: float = 0.0,
    rules: ClaimRules | None = None,
    pseudonym_configured: bool = False,
) -> LoadedKeys:
    """The keys this deployment verifies with, and the ``rules`` its tokens' claims must meet.

    Raises:
        KeyConfigError: production without a key, a short secret, an unreadable public key.
    """
    public_key = None
    if public_key_path is not None:
        try:
            public_key = public_key_path.read_text()
        except OSError as error:
            raise KeyConfigError(f"PATHWISE_JWT_PUBLIC_KEY: cannot read {public_key_path}: {error}") from None
        _check_rsa_public_key(public_key, public_key_path)
    if secret is not None and len(secret.encode()) < MIN_SECRET_BYTES:
        raise KeyConfigError(f"PATHWISE_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes")
    sources = [s for s, k in (("PATHWISE_JWT_SECRET", secret), ("PATHWISE_JWT_PUBLIC_KEY", public_key)) if k]
    if secret is None and public_key is None:
        if not development:
            raise KeyConfigError(
                "production needs PATHWISE_JWT_SECRET (HS256) or PATHWISE_JWT_PUBLIC_KEY (RS256, a PEM file)"
            )
        secret, _ = dev_secret(data_dir, pseudonym_configured=pseudonym_configured)
        sources = [f"the development secret in {data_dir / DEV_SECRET_FILE}"]
    try:
        keys = VerificationKeys(
            hs256_secret=secret, rs256_public_key=public_key, max_lifetime=max_lifetime, rules=rules or ClaimRules()
        )
    except ValueError as error:
        raise KeyConfigError(str(error)) from None
    return LoadedKeys(keys=keys, secret=secret, source=" and ".join(sources))
