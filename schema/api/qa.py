"""Question answering API: ``ask``, answered from the materials and personalised by mastery."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Annotated

import strawberry

from graph.errors import KnowledgeGraphError, Unavailable
from ml.qa.answer import Answer
from resolvers import qa
from schema.api.arguments import QuestionArg
from schema.api.common import STUDENT_ID
from schema.context import Info
from schema.types.qa import AnswerType, AskError, AskResult

__all__ = ["QA_WAITING", "QA_WORKERS", "QaQuery"]

QA_WORKERS = 2
"""Threads answering questions, apart from the pool other work runs in.

Answers ran in the default pool (six threads on two cores), beside recordAttempts,
backups and erasures: seven slow answers (a generator that takes seconds, or never
answers) held a one-attempt recordAttempts for 38 s.
"""
QA_WAITING = 8
"""Questions that may wait for a thread; more are refused as UNAVAILABLE rather than queued without end."""

AskStudentIdArg = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description=STUDENT_ID + " Personalises the answer (its weak prerequisites). A student token names its own "
        '(left out, FORBIDDEN with `field: "studentId"`, as for `learningPath`: it was answered as a newcomer\'s); '
        "null from staff: the answer for no student."
    ),
]

_pool: ThreadPoolExecutor | None = None
_in_flight = 0  # questions running or waiting (changed only on the event loop)


def _answering() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=QA_WORKERS, thread_name_prefix="qa")
    return _pool


@strawberry.type
class QaQuery:
    @strawberry.field(
        description="Answer a question from the materials: evidence sentences, the evidence, its concepts, "
        "the student's weak prerequisites among them, a confidence and materials to study. Below the "
        "confidence threshold it says it does not know and suggests where to look."
    )
    async def ask(self, info: Info, question: QuestionArg, student_id: AskStudentIdArg = None) -> AskResult | None:
        service = info.context.qa
        try:
            if service is None:
                # not the request's fault: INVALID told a client to change a question that no question helps
                raise Unavailable("this service runs without question answering (PATHWISE_QA=false)")
            student = info.context.student_key(student_id) if student_id is not None else None
            keys_shown = await info.context.keys_shown()
            lags = student is not None and info.context.estimates_may_lag(student)
            answer = await _answer(
                partial(
                    qa.ask,
                    info.context.kg,
                    service,
                    question,
                    student,
                    keys_shown,
                    served=info.context.mastery,
                    unsettled=lags,
                )
            )
        except KnowledgeGraphError as error:
            return AskError.from_domain(error)
        return AnswerType.from_domain(answer)


async def _answer(run: partial[Answer]) -> Answer:
    """Retrieval takes milliseconds but a generator seconds: on the answering threads, off the event loop."""
    global _in_flight
    if _in_flight >= QA_WORKERS + QA_WAITING:
        raise Unavailable(f"{_in_flight} questions are being answered: ask again in a few seconds")
    _in_flight += 1
    try:
        return await asyncio.get_running_loop().run_in_executor(_answering(), run)
    finally:
        _in_flight -= 1
