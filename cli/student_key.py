"""``pathwise student-key``: the key a student is stored under, from what a person knows of them.

An erasure or access request names a person by what they use: an e-mail address, an
LMS account, an id. Keys are keyed hashes (docs/privacy.md), and an xAPI actor is
keyed by its identifier's canonical form (``mbox_sha1sum:<sha1>``,
``account:<homePage>|<name>``), which nobody types. This prints the key, to pass to
``exportStudent`` or ``forgetStudent``; it needs the deployment's pseudonym secret and
prints nothing else to stdout. A key given as EXTERNAL_ID is printed as it is, as the API
and the imports take it. An account is keyed as ``PATHWISE_XAPI_ACCOUNT_HOMES``
says, or in the form ``--account-form`` names: after an accepted change of the homes
(``pathwise xapi-homes accept``) a learner stored before keeps the other form's key.
An id in which accents can be written two ways (``é``, or ``e`` and a combining accent)
also has the keys it had before ids were read in NFC: they are printed on stderr.
"""

from __future__ import annotations

import re

import click

from settings import load_settings

__all__ = ["student_key"]

_SHA1_HEX = re.compile(r"[0-9a-fA-F]{40}")


@click.command(name="student-key")
@click.argument("external_id", required=False)
@click.option("--xapi-mbox", "mbox", help="An xAPI actor's e-mail address (mbox, or the same as mbox_sha1sum).")
@click.option(
    "--xapi-mbox-sha1sum",
    "mbox_sha1sum",
    metavar="HEX",
    help="An xAPI actor's mbox_sha1sum (the SHA-1 of 'mailto:' and the address, 40 hex digits).",
)
@click.option("--xapi-account", "account", nargs=2, metavar="HOMEPAGE NAME", help="An xAPI actor's account.")
@click.option(
    "--account-form",
    type=click.Choice(["name", "home"]),
    default=None,
    help="With --xapi-account: key it by its bare name (as for a home listed in PATHWISE_XAPI_ACCOUNT_HOMES) or by "
    "home page and name (as for any other); default: as the setting says. After `pathwise xapi-homes accept` "
    "changed the homes, a learner stored before keeps the key of the other form: an erasure names both.",
)
def student_key(
    external_id: str | None,
    mbox: str | None,
    mbox_sha1sum: str | None,
    account: tuple[str, str] | None,
    account_form: str | None,
) -> None:
    """Print the key of a student: by EXTERNAL_ID, or as an xAPI log named them."""
    from cli.opening import open_pseudonyms
    from graph.pseudonyms import DEV_SECRET_FILE
    from ingest.attempts.xapi import actor_identifier

    given = [g for g in (external_id, mbox, mbox_sha1sum, account) if g]
    if len(given) != 1:
        raise click.UsageError("give one of EXTERNAL_ID, --xapi-mbox, --xapi-mbox-sha1sum or --xapi-account")
    if account_form is not None and not account:
        raise click.UsageError("--account-form applies to --xapi-account")
    settings = load_settings()
    if mbox:
        identifier = actor_identifier({"mbox": mbox})
    elif mbox_sha1sum:
        if not _SHA1_HEX.fullmatch(mbox_sha1sum.strip()):
            raise click.UsageError(f"--xapi-mbox-sha1sum {mbox_sha1sum!r} is not 40 hex digits")
        identifier = actor_identifier({"mbox_sha1sum": mbox_sha1sum})
    elif account:
        # keyed as `attempts import` keys it: by its bare name for an LMS in PATHWISE_XAPI_ACCOUNT_HOMES
        home = {"homePage": account[0], "name": account[1]}
        listed = {"name": [account[0]], "home": []}.get(account_form or "", settings.xapi_account_homes)
        identifier = actor_identifier({"account": home}, listed)
    else:
        identifier = external_id
    assert identifier is not None
    if settings.pseudonym_secret is None and not (settings.data_dir / DEV_SECRET_FILE).exists():
        # it made a new development secret and printed a key no student has: an erasure request answered from a
        # shell with PATHWISE_DATA_DIR mistyped was sent to forgetStudent with a key that found nobody
        raise click.ClickException(
            f"no pseudonym secret in {settings.data_dir}: no student was keyed there. Point PATHWISE_DATA_DIR at the "
            "service's data folder, or set PATHWISE_PSEUDONYM_SECRET to the service's"
        )
    pseudonyms = open_pseudonyms(settings)
    try:
        if external_id is not None and pseudonyms.is_key(external_id.strip()):
            # a key already: every argument, roster line and log takes it as it is; hashing it again printed a
            # key under which nothing is stored (forgetStudent with it said NOT_FOUND)
            click.echo(external_id.strip())
            click.echo(
                f"{external_id.strip()} is a student key already: printed as it is, as the API, rosters and logs "
                f"take it (only a student token's sub of this form is hashed, to {pseudonyms.key(external_id)})",
                err=True,
            )
            return
        click.echo(pseudonyms.key(identifier))
        # before ids were read in NFC a decomposed "José" was hashed as written: such a student kept that key
        earlier = pseudonyms.earlier_keys(f"mailto:{mbox}" if mbox else identifier)
        if earlier:
            click.echo(
                f"stored before ids were read in Unicode NFC, this student may be under {' or '.join(earlier)} "
                "instead (the id in another form; the service and imports find it there): an erasure or access "
                "request names each key that holds data",
                err=True,
            )
    except ValueError as error:
        raise click.UsageError(str(error)) from None
