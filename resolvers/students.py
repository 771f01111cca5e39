"""Students, attempts and mastery: the graph stores, the mastery model estimates.

The few lines of orchestration between the two live in the modules below: the model's
state for a student is replayed from the graph on first use, and new estimates are
written in the same transaction as the attempts that produced them.

This module is the import path (``from resolvers import students``) for them, each part
in a module of its own and re-exported here: the model's state replayed from the graph
(``resolvers.replay``), recording attempts and settling the estimates they move
(``resolvers.recording``), forgetting students (``resolvers.forgetting``), estimating
again after a void or a model switch (``resolvers.reestimating``) and the reads
(``resolvers.student_reads``).
"""

from __future__ import annotations

import logging

from resolvers.forgetting import MAX_FORGET_BATCH, forget, forget_each
from resolvers.recording import (
    MAX_ATTEMPT_BATCH,
    SETTLED_WITHIN,
    WARM_STUDENTS,
    record,
    record_retryable,
    settle,
    touched_estimates,
)
from resolvers.reestimating import estimates_again, retract, rewrite_estimates
from resolvers.replay import history_loader, place_new, reload_histories, with_new_placed
from resolvers.student_reads import evidence, export, mastery_of, page_of_students, student_exists

__all__ = [
    "MAX_ATTEMPT_BATCH",
    "MAX_FORGET_BATCH",
    "SETTLED_WITHIN",
    "WARM_STUDENTS",
    "evidence",
    "export",
    "forget",
    "forget_each",
    "history_loader",
    "mastery_of",
    "page_of_students",
    "place_new",
    "record",
    "record_retryable",
    "estimates_again",
    "reload_histories",
    "rewrite_estimates",
    "retract",
    "settle",
    "touched_estimates",
    "student_exists",
    "with_new_placed",
]


log = logging.getLogger("pathwise.mastery")
