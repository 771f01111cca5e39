"""Names the harness and CLI use for mastery models, each mapped to a factory of a fresh model.

Factories import their model lazily, so asking for "bkt" does not load torch.
"""

from __future__ import annotations

from collections.abc import Callable

from ml.mastery.base import MasteryModel

__all__ = ["MEMBERS", "MODELS", "with_members"]


def _bkt() -> MasteryModel:
    from ml.mastery.bkt import BKT

    return BKT()


def _pfa() -> MasteryModel:
    from ml.mastery.logistic import PFA

    return PFA()


def _pfa_items() -> MasteryModel:
    from ml.mastery.logistic import PFA

    return PFA(with_items=True)


def _dkt() -> MasteryModel:
    from ml.mastery.dkt import DKT

    return DKT()


MEMBERS = 3  # networks in the served ensemble (seeds), unless a caller asks otherwise


def _pathwise(members: int = MEMBERS) -> MasteryModel:
    from ml.mastery.ensemble import PathwiseEnsemble
    from ml.mastery.tkt import TKTConfig

    return PathwiseEnsemble(TKTConfig(use_text=True), members)


def _pathwise_id(members: int = MEMBERS) -> MasteryModel:
    from ml.mastery.ensemble import PathwiseEnsemble
    from ml.mastery.tkt import TKTConfig

    return PathwiseEnsemble(TKTConfig(use_text=False), members)


def _pathwise_no_item_text(members: int = MEMBERS) -> MasteryModel:
    from ml.mastery.ensemble import PathwiseEnsemble
    from ml.mastery.tkt import TKTConfig

    return PathwiseEnsemble(TKTConfig(use_text=True, item_text=False), members)


def _pathwise_peers(members: int = MEMBERS) -> MasteryModel:
    from ml.mastery.ensemble import PathwiseEnsemble
    from ml.mastery.tkt import TKTConfig

    return PathwiseEnsemble(TKTConfig(use_text=True, peer_features=True), members)


def with_members(members: int) -> dict[str, Callable[[], MasteryModel]]:
    """The registry with ``members`` networks in each PathwiseKT ensemble."""
    return {
        **MODELS,
        "pathwise": lambda: _pathwise(members),
        "pathwise-id": lambda: _pathwise_id(members),
        "pathwise-no-item-text": lambda: _pathwise_no_item_text(members),
        "pathwise-peers": lambda: _pathwise_peers(members),
    }


MODELS: dict[str, Callable[[], MasteryModel]] = {
    "bkt": _bkt,
    "pfa": _pfa,
    "pfa-items": _pfa_items,
    "dkt": _dkt,
    "pathwise": _pathwise,  # text-initialised, encoder fine-tuned (id-only where there is no text)
    "pathwise-id": _pathwise_id,  # the same network with learned id embeddings only
    "pathwise-no-item-text": _pathwise_no_item_text,  # text for concepts, not for items (where items have text)
    "pathwise-peers": _pathwise_peers,  # with peer features (ml/mastery/peers.py), which the served default leaves out
}
