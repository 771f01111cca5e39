"""Answer generation (optional, off by default): the interface, its result, and the setting.

A generator turns a question and the retrieved evidence into a short answer that cites
the evidence by number. Two implementations exist: the bundled SmolLM2-135M-Instruct
(``ml.qa.smollm2``) and any OpenAI-compatible chat endpoint (``ml.qa.openai_chat``).
Both build the same prompt (``ml.qa.prompt``: the numbered evidence and the question,
nothing about the student) and pass the model's text through the same grounding check
(``ml.qa.citations``), so an answer only ever cites evidence it was given.

The setting picks one: ``none`` (the default), ``smollm2``, or
``openai:http://host:port[/v1]#model-name``. Factories import their model lazily, so
``none`` loads neither torch nor transformers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = [
    "GENERATORS",
    "Evidence",
    "GeneratedAnswer",
    "GenerationError",
    "Generator",
    "HasText",
    "generator_from_setting",
]


@runtime_checkable
class HasText(Protocol):
    """Anything retrieval returns that carries a passage's ``text``; only the text is used."""

    @property
    def text(self) -> str:
        """The passage itself."""
        ...


Evidence = str | HasText


@dataclass(frozen=True)
class GeneratedAnswer:
    """What a generator answers.

    Attributes:
        text: the answer, with citations like ``[1]`` that all point into the evidence.
        citations: the 1-based evidence numbers the answer cites, in order of first use.
        fallback: True when the model's text was unusable (nothing grounded in the
            evidence) and the answer is the best sentence of the top passage instead.
        raw: the model's text before the grounding check (for logs and evaluation).
    """

    text: str
    citations: tuple[int, ...]
    fallback: bool = False
    raw: str = ""


class GenerationError(RuntimeError):
    """The generator could not produce an answer (endpoint down, timed out, malformed reply)."""


class Generator(Protocol):
    """Question plus retrieved evidence in, a cited answer out."""

    name: str

    def generate(self, question: str, evidence: Sequence[Evidence]) -> GeneratedAnswer:
        """Answer ``question`` from ``evidence`` (best first), citing passages by number.

        Raises:
            GenerationError: the model could not be reached or answered nonsense.
        """
        ...


@dataclass(frozen=True)
class GeneratorOptions:
    """Knobs the setting does not carry, passed on by the caller (read from settings)."""

    api_key: str | None = None
    timeout: float = 30.0
    max_new_tokens: int = 128
    threads: int | None = 1


def _none(argument: str, options: GeneratorOptions) -> Generator | None:
    if argument:
        raise ValueError("the 'none' generator takes no argument")
    return None


def _smollm2(argument: str, options: GeneratorOptions) -> Generator | None:
    if argument:
        raise ValueError("the 'smollm2' generator takes no argument")
    from ml.qa.smollm2 import SmolLM2Generator

    return SmolLM2Generator(max_new_tokens=options.max_new_tokens, threads=options.threads)


def _openai(argument: str, options: GeneratorOptions) -> Generator | None:
    url, _, model = argument.partition("#")
    if not url or not model:
        raise ValueError("expected openai:http://host:port[/v1]#model-name")
    from ml.qa.openai_chat import OpenAIChatGenerator

    return OpenAIChatGenerator(
        url, model, api_key=options.api_key, timeout=options.timeout, max_tokens=options.max_new_tokens
    )


GENERATORS: dict[str, Callable[[str, GeneratorOptions], Generator | None]] = {
    "none": _none,
    "smollm2": _smollm2,
    "openai": _openai,
}


def generator_from_setting(
    spec: str | None,
    *,
    api_key: str | None = None,
    timeout: float = 30.0,
    max_new_tokens: int = 128,
    threads: int | None = 1,
) -> Generator | None:
    """The generator a setting names, or None when generation is off.

    Nothing is loaded here: the SmolLM2 weights are read on the first answer.

    Args:
        spec: ``none`` (or empty / None), ``smollm2``, or ``openai:<base-url>#<model>``
            where the base URL may or may not end in ``/v1``.
        api_key: bearer token for an OpenAI-compatible endpoint (kept out of the setting).
        timeout: seconds to wait for an endpoint's answer.
        max_new_tokens: longest answer, in tokens.
        threads: torch threads for the bundled model (process-wide; None leaves torch's).

    Returns:
        A ``Generator``, or None for ``none``.

    Raises:
        ValueError: an unknown kind or a malformed argument.

    Examples:
        >>> generator_from_setting("none") is None
        True
        >>> generator_from_setting("openai:http://127.0.0.1:8080/v1#qwen2.5").endpoint
        'http://127.0.0.1:8080/v1/chat/completions'
    """
    text = (spec or "").strip()
    if not text:
        return None
    kind, _, argument = text.partition(":")
    factory = GENERATORS.get(kind.strip().lower())
    if factory is None:
        raise ValueError(f"unknown generator {kind!r}: expected one of {', '.join(GENERATORS)}")
    options = GeneratorOptions(api_key=api_key, timeout=timeout, max_new_tokens=max_new_tokens, threads=threads)
    return factory(argument.strip(), options)
