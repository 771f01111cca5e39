"""Mastery model API: the trained versions, which one is served, and switching to another."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry

from resolvers import model_switch
from schema.api.common import attempts_guarded
from schema.context import Info
from schema.types.attempts import MasteryModelInfo, MasteryModelResult
from schema.types.model_switch import MasteryModelSwitch, MasteryModelSwitchResult

__all__ = ["MasteryModelMutation", "MasteryModelQuery"]


@strawberry.type
class MasteryModelQuery:
    @strawberry.field(description="Trained mastery model versions; `current` is the one served.")
    def mastery_models(self, info: Info) -> list[MasteryModelInfo] | None:
        service = info.context.mastery
        if service is None:
            return []
        current = service.version
        return [MasteryModelInfo.from_info(service.versions.info(v), current) for v in service.versions.list()]

    @strawberry.field(
        description="The switch of the served mastery model that is running, else the last one since the service "
        "started (null when none): follow a `startMasteryModelSwitch` here."
    )
    def mastery_model_switch(self, info: Info) -> MasteryModelSwitch | None:
        service = info.context.mastery
        if service is None or service.switch is None:
            return None
        return MasteryModelSwitch.from_progress(service.switch)


@strawberry.type
class MasteryModelMutation:
    @strawberry.mutation(
        description="Serve another trained mastery model version and re-estimate every stored estimate with it. "
        "The service keeps serving while the new model replays the stored attempts; attempts recorded meanwhile "
        "are replayed into it before it is served. The version is pinned, as `pathwise models use` pins it: "
        "a version trained later is not served until `pathwise models use --newest` unpins. The version already "
        "served replays nothing: only estimates another version made are estimated again."
    )
    async def use_mastery_model(
        self,
        info: Info,
        version: Annotated[
            str,
            strawberry.argument(
                description='A trained version, as `masteryModels` names it (NOT_FOUND with `field: "version"` '
                "when there is none)."
            ),
        ],
    ) -> MasteryModelResult | None:
        def run() -> MasteryModelInfo:
            service = info.context.mastery_service()
            model_switch.switch_model(info.context.kg, service, version)
            return MasteryModelInfo.from_info(service.versions.info(version), service.version)

        # every stored attempt is replayed: minutes on a large store, so off the event loop
        return await asyncio.to_thread(attempts_guarded, run)

    @strawberry.mutation(
        description="Begin what `useMasteryModel` does and answer at once, with the switch's progress; follow it "
        "with `masteryModelSwitch`. On a large store a switch takes minutes (every stored attempt is replayed, "
        "every stored estimate rewritten), longer than a proxy keeps a request open. The version is loaded "
        "first: NOT_FOUND or INVALID (its files do not load) come back here; UNAVAILABLE while another switch runs."
    )
    async def start_mastery_model_switch(
        self,
        info: Info,
        version: Annotated[str, strawberry.argument(description="A trained version, as `masteryModels` names it.")],
    ) -> MasteryModelSwitchResult | None:
        def run() -> MasteryModelSwitch:
            service = info.context.mastery_service()
            return MasteryModelSwitch.from_progress(model_switch.start_switch(info.context.kg, service, version))

        return await asyncio.to_thread(attempts_guarded, run)  # loading a version's weights: a second or so
