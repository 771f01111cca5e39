"""A generator backed by any OpenAI-compatible chat endpoint (vLLM, llama.cpp, Ollama, ...).

Standard library only (``urllib``): one ``POST {base}/v1/chat/completions`` per answer,
greedy (``temperature`` 0), with a timeout. The request carries only the prompt of
``ml.qa.prompt`` (instructions, numbered evidence, question), and the reply goes
through the same grounding check as the bundled model's.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Any

from ml.qa.citations import ground_answer
from ml.qa.generation import Evidence, GeneratedAnswer, GenerationError
from ml.qa.prompt import ChatMessage, build_messages, prepare_evidence

__all__ = ["OpenAIChatGenerator", "chat_endpoint"]


def chat_endpoint(base_url: str) -> str:
    """The chat-completions URL of a server given with or without its ``/v1``.

    Examples:
        >>> chat_endpoint("http://127.0.0.1:8080")
        'http://127.0.0.1:8080/v1/chat/completions'
        >>> chat_endpoint("https://llm.example.org/v1/")
        'https://llm.example.org/v1/chat/completions'
    """
    parts = urllib.parse.urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"expected an http(s) URL, got {base_url!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"the base URL takes no query or fragment: {base_url!r}")
    root = base_url.strip().rstrip("/")
    return f"{root}/chat/completions" if root.endswith("/v1") else f"{root}/v1/chat/completions"


def _reply_text(payload: bytes) -> str:
    try:
        content: Any = json.loads(payload)["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise GenerationError(f"malformed chat completion: {payload[:200]!r}") from error
    if not isinstance(content, str):
        raise GenerationError(f"malformed chat completion: content is {type(content).__name__}")
    return content.strip()


class OpenAIChatGenerator:
    """Answers from a remote chat model, checked against the evidence like the local one.

    Args:
        base_url: the server, e.g. ``http://127.0.0.1:8080`` or ``http://host:8000/v1``.
        model: the model name the server expects.
        api_key: sent as ``Authorization: Bearer``; never logged or shown in ``repr``.
        timeout: seconds for connecting and for the whole answer to arrive.
        max_tokens: longest answer, in tokens.
        max_evidence_chars: each passage is cut to this many characters in the prompt.
        min_support: see ``ml.qa.citations.ground_answer``.
    """

    name = "openai"

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout: float = 30.0,
        max_tokens: int = 256,
        max_evidence_chars: int = 1200,
        min_support: float = 0.7,
    ) -> None:
        if not model.strip():
            raise ValueError("a model name is required")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.endpoint = chat_endpoint(base_url)
        self.model = model.strip()
        self._api_key = api_key
        self.timeout = timeout
        self.max_tokens = max_tokens
        self.max_evidence_chars = max_evidence_chars
        self.min_support = min_support

    def __repr__(self) -> str:
        key = ", api_key=***" if self._api_key else ""
        return f"OpenAIChatGenerator({self.endpoint!r}, {self.model!r}{key}, timeout={self.timeout})"

    def complete(self, messages: Sequence[ChatMessage]) -> str:
        """The endpoint's answer to ``messages`` (no grounding check).

        Raises:
            GenerationError: HTTP error status, unreachable server, timeout, or a reply
                that is not a chat completion.
        """
        body = {
            "model": self.model,
            "messages": list(messages),
            "temperature": 0,
            "max_tokens": self.max_tokens,
            "stream": False,
        }
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(self.endpoint, data=json.dumps(body).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # scheme checked in chat_endpoint
                payload: bytes = response.read()
        except urllib.error.HTTPError as error:
            try:
                detail = error.read(300).decode("utf-8", "replace").strip()
            finally:
                error.close()
            raise GenerationError(f"{self.endpoint} answered HTTP {error.code} {error.reason}: {detail}") from error
        except TimeoutError as error:
            raise GenerationError(f"{self.endpoint} did not answer within {self.timeout:g}s") from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise GenerationError(f"{self.endpoint} did not answer within {self.timeout:g}s") from error
            raise GenerationError(f"cannot reach {self.endpoint}: {error.reason}") from error
        except OSError as error:  # connection reset mid-answer and the like
            raise GenerationError(f"{self.endpoint} failed: {error}") from error
        return _reply_text(payload)

    def generate(self, question: str, evidence: Sequence[Evidence]) -> GeneratedAnswer:
        """Answer from the evidence only; see ``ml.qa.generation.Generator``."""
        passages = prepare_evidence(evidence, max_chars=self.max_evidence_chars)
        if not passages:
            return ground_answer("", question, passages)
        raw = self.complete(build_messages(question, passages))
        return ground_answer(raw, question, passages, min_support=self.min_support)
