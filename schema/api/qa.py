"""Question answering API: ``ask``, answered from the materials and personalised by mastery."""

from __future__ import annotations

import asyncio

import strawberry

from graph.errors import InvalidInput, KnowledgeGraphError
from resolvers import qa
from schema.context import Info
from schema.types.qa import AnswerType, AskError, AskResult

__all__ = ["QaQuery"]


@strawberry.type
class QaQuery:
    @strawberry.field(
        description="Answer a question from the materials: evidence sentences, the evidence, its concepts, "
        "the student's weak prerequisites among them, a confidence and materials to study. Below the "
        "confidence threshold it says it does not know and suggests where to look."
    )
    async def ask(self, info: Info, question: str, student_id: strawberry.ID | None = None) -> AskResult:
        service = info.context.qa
        try:
            if service is None:
                raise InvalidInput("this service runs without question answering (PATHWISE_QA=false)")
            student = info.context.student_key(student_id) if student_id is not None else None
            # Retrieval takes milliseconds but a generator seconds: off the event loop, so
            # other requests are served meanwhile.
            answer = await asyncio.to_thread(qa.ask, info.context.kg, service, question, student)
        except KnowledgeGraphError as error:
            return AskError.from_domain(error)
        return AnswerType.from_domain(answer)
