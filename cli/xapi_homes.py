"""``pathwise xapi-homes``: the xAPI account homes the store's learners are keyed with, and accepting a change.

The first keyed xAPI statement records ``PATHWISE_XAPI_ACCOUNT_HOMES`` in the store
(``graph.xapi_homes``); the service, the file import and ``recordStatements`` refuse
other homes. ``show`` says what is recorded and configured; ``accept`` records the
configured homes, the acknowledged way to change them (docs/privacy.md): learners
stored before keep their keys.
"""

from __future__ import annotations

import json

import click

from cli.json_refusals import JsonRefusals
from settings import load_settings

__all__ = ["xapi_homes"]


@click.group(name="xapi-homes", context_settings={"help_option_names": ["-h", "--help"]})
def xapi_homes() -> None:
    """The xAPI account homes (PATHWISE_XAPI_ACCOUNT_HOMES) the store's learners are keyed with."""


@xapi_homes.command(name="show", cls=JsonRefusals)
@click.option("--json", "as_json", is_flag=True, help="Print it as JSON.")
@click.pass_context
def show(ctx: click.Context, as_json: bool) -> None:
    """Say which homes are recorded, which are configured, and whether they agree."""
    from cli.exits import fail
    from cli.opening import open_graph
    from graph.errors import KnowledgeGraphError
    from graph.xapi_homes import account_homes, describe_homes, former_homes, holds_unrecorded_xapi, recorded_homes

    obj = ctx.obj or {}
    settings = obj.get("settings") or load_settings()
    running = "a running service logs them when it starts (and did not start had they differed)"
    # reading: on a missing data folder it made an empty store and said all agreed
    kg = obj.get("kg") or open_graph(settings, obj.get("store"), instead=running, as_json=as_json, reading=True)
    try:
        recorded, former = recorded_homes(kg.store), former_homes(kg.store)
        unrecorded = recorded is None and holds_unrecorded_xapi(kg.store)
    except KnowledgeGraphError as error:
        fail(error, as_json=as_json)
        return
    finally:
        if obj.get("kg") is None:
            kg.store.close()
    configured = account_homes(settings.xapi_account_homes)
    agree = recorded is None or recorded == configured  # unrecorded answers take the configured homes
    if as_json:
        out = {
            "recorded": None if recorded is None else list(recorded),
            "configured": list(configured),
            "former": [list(f) for f in former],
            "unrecorded_xapi": unrecorded,
            "agree": agree,
        }
        click.echo(json.dumps(out, indent=2))
        return
    click.echo(f"configured (PATHWISE_XAPI_ACCOUNT_HOMES): {describe_homes(configured)}")
    if recorded is not None:
        click.echo(f"recorded in the store: {describe_homes(recorded)}")
    elif unrecorded:
        click.echo("recorded in the store: nothing, but it holds xAPI answers stored before homes were recorded")
        click.echo(
            "the next statement stored records the configured homes as theirs: if PATHWISE_XAPI_ACCOUNT_HOMES "
            "changed since they were stored, set it back first"
        )
    else:
        click.echo("recorded in the store: nothing yet (the first xAPI statement stored records the configured homes)")
    for earlier in former:
        click.echo(f"keyed earlier with: {describe_homes(earlier)} (learners stored then keep those keys)")
    if not agree:
        click.echo(
            "they differ: xAPI keying is refused until they agree (`pathwise xapi-homes accept`, docs/privacy.md)"
        )


@xapi_homes.command(name="accept")
@click.pass_context
def accept(ctx: click.Context) -> None:
    """Record PATHWISE_XAPI_ACCOUNT_HOMES as the homes xAPI learners are keyed with from now on.

    Run it with the service stopped, after changing the setting on purpose (or once,
    for a store holding xAPI answers from before homes were recorded). Nothing stored
    is re-keyed: a learner of a home added or removed whose answers were stored before
    keeps that key, and their later answers are stored under the new one (docs/privacy.md:
    an erasure or access request names both).
    """
    from cli.exits import fail
    from cli.opening import open_graph
    from graph.errors import KnowledgeGraphError
    from graph.xapi_homes import accept_homes, describe_homes

    obj = ctx.obj or {}
    settings = obj.get("settings") or load_settings()
    kg = obj.get("kg") or open_graph(
        settings, obj.get("store"), instead="stop it first: the homes change with it stopped", reading=True
    )
    try:
        change = accept_homes(kg, settings.xapi_account_homes)
    except KnowledgeGraphError as error:
        fail(error)
        return
    finally:
        if obj.get("kg") is None:
            kg.store.close()
    if not change.changed:
        click.echo(f"already recorded: {describe_homes(change.after)}; nothing changed")
        return
    click.echo(f"recorded: xAPI learners are keyed with {describe_homes(change.after)} from now on")
    if change.before is None:
        if change.unrecorded_xapi:
            click.echo("  (the stored xAPI answers were keyed before homes were recorded: this says they were so)")
        return
    click.echo(f"  before: {describe_homes(change.before)}")
    for home in change.added:
        click.echo(f"  {home}: accounts keyed by their bare name from now on (by home page and name before)")
    for home in change.removed:
        click.echo(f"  {home}: accounts keyed by home page and name from now on (by their bare name before)")
    click.echo(
        "  learners of these homes stored before keep their earlier keys: an erasure or access request for one "
        "names both keys (`pathwise student-key --xapi-account HOME NAME --account-form name|home`)"
    )
