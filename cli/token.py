"""``pathwise token``: mint a signed token for development and tests.

The token goes to stdout alone, so ``TOKEN=$(pathwise token --role student --sub s1)``
works; everything else goes to stderr. HS256 with the secret from ``--secret-env``
(``PATHWISE_JWT_SECRET``), or RS256 with ``--private-key``. In development with no
secret, the server's development secret in the data folder is used (created when
absent), so a token minted here is accepted by ``pathwise serve`` on the same data.

The token says what the deployment's settings require: ``aud`` (``--audience``, default
the first of ``PATHWISE_JWT_AUDIENCE``), ``iss`` (``--issuer``, default
``PATHWISE_JWT_ISSUER``), and the role under ``PATHWISE_JWT_ROLE_CLAIM`` by the name
``PATHWISE_JWT_ROLE_MAP`` gives it.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import click
import jwt

from auth.keys import DEV_SECRET_FILE, KeyConfigError, dev_secret
from auth.principal import Role
from auth.tokens import mint
from settings import Settings, load_settings

__all__ = ["token"]


def _secret(settings: Settings, secret_env: str) -> str:
    secret = os.environ.get(secret_env)
    if secret is None and secret_env == "PATHWISE_JWT_SECRET" and settings.jwt_secret is not None:
        secret = str(settings.jwt_secret)  # from .env
    if secret is not None:
        return secret
    if secret_env != "PATHWISE_JWT_SECRET":  # named on purpose: the development secret would sign silently
        raise click.ClickException(f"{secret_env} is not set: it was named to hold the signing secret")
    if not settings.development:
        raise click.ClickException(
            f"production needs the signing secret in {secret_env} (or --private-key for RS256); "
            "the development secret is not used outside development"
        )
    try:
        secret, created = dev_secret(settings.data_dir, pseudonym_configured=settings.pseudonym_secret is not None)
    except KeyConfigError as error:
        raise click.ClickException(str(error)) from None
    path = settings.data_dir / DEV_SECRET_FILE
    click.echo(f"{'created and used' if created else 'using'} the development secret in {path}", err=True)
    return secret


@click.command(name="token")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]), help="The token's role.")
@click.option("--sub", required=True, help="The subject: a student's external id, a teacher id, a person's id.")
@click.option("--ttl", default=3600, show_default=True, type=click.IntRange(min=1), help="Seconds until it expires.")
@click.option(
    "--secret-env",
    default="PATHWISE_JWT_SECRET",
    show_default=True,
    help="The environment variable holding the HS256 secret.",
)
@click.option(
    "--private-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Sign with RS256 with this PEM private key instead (its public key is PATHWISE_JWT_PUBLIC_KEY).",
)
@click.option("--audience", default=None, help="The 'aud' claim.  [default: the first of PATHWISE_JWT_AUDIENCE]")
@click.option("--issuer", default=None, help="The 'iss' claim.  [default: PATHWISE_JWT_ISSUER]")
@click.pass_context
def token(
    ctx: click.Context,
    role: str,
    sub: str,
    ttl: int,
    secret_env: str,
    private_key: Path | None,
    audience: str | None,
    issuer: str | None,
) -> None:
    """Print a signed token for SUB in ROLE (send it as `Authorization: Bearer <token>`)."""
    settings: Settings = (ctx.obj or {}).get("settings") or load_settings()
    rules = settings.claim_rules()
    if audience is not None:
        rules = dataclasses.replace(rules, audience=(audience,) if audience.strip() else ())
    if issuer is not None:
        rules = dataclasses.replace(rules, issuer=issuer.strip() or None)
    if settings.jwt_max_ttl_seconds and ttl > settings.jwt_max_ttl_seconds:
        raise click.ClickException(
            f"--ttl {ttl} is over PATHWISE_JWT_MAX_TTL_SECONDS ({settings.jwt_max_ttl_seconds}): the service would "
            "refuse the token"
        )
    try:
        if private_key is not None:
            minted = mint(role=Role(role), sub=sub, private_key=private_key.read_text(), ttl=ttl, rules=rules)
        else:
            minted = mint(role=Role(role), sub=sub, secret=_secret(settings, secret_env), ttl=ttl, rules=rules)
    except (ValueError, jwt.PyJWTError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(minted)
