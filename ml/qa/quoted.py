"""The chunks an extractive answer quotes, so its evidence cites every passage its text comes from.

A worked example is answered whole, from the problem on, and an exercise item with its
keyed answer: both run past the chunk the search found. The evidence listed that chunk
alone, so the answer's later steps, or the key it quoted, cited nothing (an audit: "Find
the slope of the line through (2, 3) and (6, 11)" answered from the key, whose chunk was
not in ``evidence``, which the schema calls "the passages the answer rests on").
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ml.qa.chunking import Chunk
from ml.qa.index import QaIndex

__all__ = ["quoted_chunks"]


def quoted_chunks(
    index: QaIndex,
    material: str,
    used: Sequence[str],
    cited: Collection[tuple[str, int]],
    keys_shown: Collection[str] | None = None,
) -> list[Chunk]:
    """``material``'s chunks, in order, that hold a sentence of ``used`` and are not ``cited`` (material, chunk) yet.

    A used sentence counts where it stands inside one of the chunk's (a keyed answer is
    quoted without its "Answers:" heading). A key the asker may not read is never one.
    """
    wanted = [u for u in (s.strip() for s in used) if u]
    return [
        chunk
        for chunk in index.chunks_of(material, keys_shown)
        if (chunk.material, chunk.index) not in cited and any(u in s for s in chunk.sentences for u in wanted)
    ]
