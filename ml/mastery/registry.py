"""Names the harness and CLI use for mastery models, each mapped to a factory of a fresh model.

Factories import their model lazily, so asking for "bkt" does not load torch.
"""

from __future__ import annotations

from collections.abc import Callable

from ml.mastery.base import MasteryModel

__all__ = ["MODELS"]


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


MODELS: dict[str, Callable[[], MasteryModel]] = {
    "bkt": _bkt,
    "pfa": _pfa,
    "pfa-items": _pfa_items,
    "dkt": _dkt,
    # Pathwise's own model is registered here as "pathwise" (lead engineer).
}
