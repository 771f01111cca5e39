"""The materials index: chunks, their BM25 postings and their embeddings, kept in step with the graph.

Every chunk is a row. A material's rows are replaced when its title or text changes
(unchanged passages keep their embeddings), removed when it is deleted, and added
when it is created; rows freed by removals are reused. ``sync`` reconciles the index
with the full list of materials (at start, after imports made while the service was
down). With a folder, the index is saved there after every change and loaded at start;
it is rebuilt from scratch when the encoder that made its embeddings is no longer the
one served.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from graph.answer_key import split_answer_key
from graph.model import Material, MaterialType
from ml.qa.bm25 import BM25Index, query_terms, tokenize
from ml.qa.chunking import Chunk, chunk_text
from ml.qa.dense import PassageEncoder
from ml.qa.expressions import compact_symbols, holds_expression
from ml.qa.fusion import LEXICAL_WEIGHT, fuse, top_k

__all__ = ["FORMAT", "Hit", "QaIndex", "SyncReport", "index_folder"]

FORMAT = 5
"""The saved index's layout and chunking; another is rebuilt.

2: sentences end before any script's capitals; 3: a line that stops mid-sentence runs on;
4: an exercise's items and its answer key are chunked apart (a key can be hidden);
5: a key heading may end in a full-width colon (``Answers：``), which left that key among the items.
"""
log = logging.getLogger("pathwise.qa")
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Hit:
    """A retrieved chunk: its fused score, the two scores it came from, whether it holds the question's expressions."""

    chunk: Chunk
    row: int
    score: float
    lexical: float
    dense: float
    worked: bool = False


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What a sync or an update changed (material counts)."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    chunks: int = 0

    @property
    def changed(self) -> bool:
        """Whether anything changed."""
        return bool(self.added or self.updated or self.removed)


def index_folder(data_dir: Path) -> Path:
    """Where the service keeps its question index: ``<data dir>/index``."""
    return data_dir / "index"


def _digest(material: Material) -> str:
    """What the chunks depend on: an exercise is chunked apart from its key, so its kind counts."""
    kind = "exercise" if material.type is MaterialType.EXERCISE else ""
    return hashlib.sha1(f"{material.title}\x00{material.text}\x00{kind}".encode()).hexdigest()


def _holds_all(chunk: Chunk, expressions: Sequence[str]) -> bool:
    """Whether each expression stands whole in one of the chunk's sentences or its title.

    Sentences are read apart: joined, "2. 15 - (-9)" and "3. -20" read "15-(-9)3.".
    """
    texts = (chunk.title, *chunk.sentences)
    return all(any(holds_expression(t, e) for t in texts) for e in expressions)


class QaIndex:
    """Chunks of every material, searchable lexically and densely.

    Args:
        encoder: the bi-encoder that embeds passages and questions.
        folder: where the index is saved after every change (None: memory only).
        max_words, overlap: chunking (see ``ml.qa.chunking.chunk_text``).
        lexical_weight: the BM25 share of the fused score.
    """

    def __init__(
        self,
        encoder: PassageEncoder,
        *,
        folder: Path | None = None,
        max_words: int = 80,
        overlap: int = 1,
        lexical_weight: float = LEXICAL_WEIGHT,
    ) -> None:
        self.encoder = encoder
        self.folder = folder
        self.max_words = max_words
        self.overlap = overlap
        self.lexical_weight = lexical_weight
        self.lock = threading.RLock()
        self.bm25 = BM25Index()
        self.chunks: list[Chunk | None] = []
        self.rows_of: dict[str, list[int]] = {}
        self.digests: dict[str, str] = {}
        self._free: list[int] = []
        self._compact: list[str] = []  # each row's passage as ``compact_symbols``: a quick test for expressions
        self._embeddings = np.zeros((0, encoder.dim), dtype=np.float32)
        self._alive = np.zeros(0, dtype=bool)
        self._key = np.zeros(0, dtype=bool)  # rows of an exercise's answer key

    # --- reads --------------------------------------------------------------------------------
    def __len__(self) -> int:
        """How many chunks are indexed."""
        return int(self._alive.sum())

    def indexes(self, material: Material) -> bool:
        """Whether ``material`` is indexed as it is now (not edited since its chunks were embedded)."""
        return self.digests.get(material.id) == _digest(material)

    @property
    def material_ids(self) -> set[str]:
        """Ids of the indexed materials."""
        return set(self.rows_of)

    def chunks_of(self, material: str, keys_shown: Collection[str] | None = None) -> list[Chunk]:
        """The chunks of one material, in order; its answer key's only where ``keys_shown`` holds it (None: all)."""
        with self.lock:
            return [
                c
                for r in self.rows_of.get(material, [])
                if (c := self.chunks[r]) is not None
                and (c.part != "key" or keys_shown is None or material in keys_shown)
            ]

    def _searchable(self, alive: np.ndarray, keys_shown: Collection[str] | None) -> np.ndarray:
        """``alive`` less the answer-key rows of exercises outside ``keys_shown`` (None: every key is shown)."""
        if keys_shown is None:
            return alive
        hidden = self._key[: len(alive)].copy()
        for material in keys_shown:
            hidden[self.rows_of.get(material, [])] = False
        return alive & ~hidden

    def hidden_terms(self, keys_shown: Collection[str] | None) -> Counter[str]:
        """For each term, how many answer-key rows outside ``keys_shown`` hold it (none for None).

        A student may not read them, so their words are no material's for that student.
        """
        if keys_shown is None:
            return Counter()
        with self.lock:
            rows = np.flatnonzero(self._alive & ~self._searchable(self._alive.copy(), keys_shown))
            return Counter(t for r in rows if (c := self.chunks[r]) is not None for t in set(tokenize(c.passage)))

    def _poses_only(self, row: int, keys_shown: Collection[str] | None) -> bool:
        """Whether ``row`` is an exercise's item list whose answer is not readable here: it poses the problem."""
        chunk = self.chunks[row]
        if chunk is None or chunk.part != "prompt":
            return False
        keyed = any(self._key[r] for r in self.rows_of.get(chunk.material, []))
        return not keyed or (keys_shown is not None and chunk.material not in keys_shown)

    def scores(self, query: str, embedding: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Lexical and dense scores of every row, and the mask of live rows."""
        with self.lock:
            size = len(self.chunks)
            lexical = self.bm25.scores(query_terms(query), size)
            if embedding is None:
                embedding = self.encoder.encode([query])[0]
            dense = self._embeddings[:size] @ embedding.astype(np.float32)
            return lexical, dense, self._alive[:size].copy()

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        lexical_query: str | None = None,
        lexical_weight: float | None = None,
        expressions: Sequence[str] = (),
        keys_shown: Collection[str] | None = None,
        within: Collection[str] | None = None,
        embedding: np.ndarray | None = None,
    ) -> list[Hit]:
        """The ``k`` best chunks for ``query`` by fused score, best first.

        ``lexical_query`` replaces ``query`` for BM25 (the dense side reads ``query``);
        ``lexical_weight`` replaces the index's share of BM25 in the fused score.
        Chunks holding every one of ``expressions`` (they work the very problem asked
        about) come before the others when they score above the mean, so an unrelated
        chunk that happens to hold "x = 3" is not promoted; their hits say ``worked``.
        An exercise's items without a readable answer only pose the problem: not ``worked``.
        ``keys_shown``: the exercises whose answer keys may be searched (None: all); the
        others' keys are left out, as if they had none. ``within``: only these materials'
        chunks are returned, scored as in a search of all. ``embedding``: ``query``'s, when
        the caller has it (several searches of one question encode it once).
        """
        if embedding is None:
            embedding = self.encoder.encode([query])[0]  # outside the lock: the slow part
        with self.lock:
            lexical, dense, alive = self.scores(query if lexical_query is None else lexical_query, embedding)
            alive = self._searchable(alive, keys_shown)
            if not alive.any():
                return []
            weight = self.lexical_weight if lexical_weight is None else lexical_weight
            fused = fuse(lexical, dense, weight=weight, mask=alive)  # over every row: scores compare across searches
            if within is not None:
                alive &= self._rows_mask(within, len(alive))
                if not alive.any():
                    return []
            rows = top_k(fused, k, alive).tolist()
            worked = {
                r
                for r in self._rows_holding(expressions)
                if alive[r] and fused[r] > 0 and not self._poses_only(r, keys_shown)
            }
            promoted = sorted(worked, key=lambda r: -fused[r])[:k]
            rows = (promoted + [r for r in rows if r not in worked])[:k]
            return [
                Hit(self.chunks[r], int(r), float(fused[r]), float(lexical[r]), float(dense[r]), r in worked)  # type: ignore[arg-type]
                for r in rows
            ]

    def posing(self, expressions: Sequence[str], keys_shown: Collection[str] | None = None) -> list[str]:
        """The exercises whose items hold every one of ``expressions`` but whose answer is not readable here.

        They pose the very problem asked about without working it, and so name its
        concepts (those they assess): the method is looked for among their materials.
        """
        if not expressions:
            return []
        with self.lock:
            rows = sorted(self._rows_holding(expressions))
            return list(
                dict.fromkeys(c.material for r in rows if self._poses_only(r, keys_shown) and (c := self.chunks[r]))
            )

    def _rows_mask(self, materials: Collection[str], size: int) -> np.ndarray:
        mask = np.zeros(size, dtype=bool)
        for material in materials:
            mask[self.rows_of.get(material, [])] = True
        return mask

    def _rows_holding(self, expressions: Sequence[str]) -> set[int]:
        """Rows whose passage holds every one of ``expressions`` whole, as written up to spacing and signs.

        Only rows holding all the expressions' words and numbers (BM25's postings) are read.
        """
        if not expressions:
            return set()
        rows = self.bm25.rows_with_all([t for e in expressions for t in tokenize(e)])
        compact = [compact_symbols(e) for e in expressions]
        return {
            r
            for r in rows
            if (chunk := self.chunks[r]) is not None
            and all(c in self._compact[r] for c in compact)  # a substring test before reading tokens
            and _holds_all(chunk, expressions)
        }

    # --- writes -------------------------------------------------------------------------------
    def _chunk(self, material: Material) -> list[Chunk]:
        """The material's chunks; an exercise's items and its answer key apart, so a key can be left out."""
        parts: list[tuple[str, str]] = [("text", material.text)]
        if material.type is MaterialType.EXERCISE:
            prompt, key = split_answer_key(material.text)
            parts = [("prompt", prompt)] + ([("key", key)] if key else [])
        runs = [
            (part, run)
            for part, text in parts
            for run in chunk_text(text, max_words=self.max_words, overlap=self.overlap)
        ]
        if not runs:
            return [Chunk(material.id, 0, "", (material.title,))] if material.title else []
        return [Chunk(material.id, i, material.title, run, part) for i, (part, run) in enumerate(runs)]

    def upsert(self, materials: Sequence[Material], *, progress: Progress | None = None) -> SyncReport:
        """Index new materials and re-index changed ones; unchanged ones cost nothing."""
        changed = [m for m in materials if not self.indexes(m)]
        if not changed:
            return SyncReport()
        chunks = {m.id: self._chunk(m) for m in changed}
        with self.lock:  # reuse the embeddings of passages that did not change
            known = {
                c.passage: self._embeddings[r]
                for m in changed
                for r in self.rows_of.get(m.id, [])
                if (c := self.chunks[r]) is not None
            }
        fresh = sorted({c.passage for cs in chunks.values() for c in cs if c.passage not in known})
        if fresh:
            report = (lambda done, total: progress("embed", done, total)) if progress is not None else None
            vectors = self.encoder.encode(fresh, progress=report)
            known.update(zip(fresh, vectors, strict=True))
        added = updated = 0
        with self.lock:
            for m in changed:
                if m.id in self.rows_of:
                    updated += 1
                    self._drop(m.id)
                else:
                    added += 1
                self.rows_of[m.id] = [self._put(c, known[c.passage]) for c in chunks[m.id]]
                self.digests[m.id] = _digest(m)
            self._saved()
        return SyncReport(added=added, updated=updated, chunks=sum(len(cs) for cs in chunks.values()))

    def remove(self, ids: Iterable[str]) -> SyncReport:
        """Forget materials (unknown ids are ignored)."""
        removed = 0
        with self.lock:
            for ident in ids:
                if ident in self.rows_of:
                    self._drop(ident)
                    removed += 1
            if removed:
                self._saved()
        return SyncReport(removed=removed)

    def sync(self, materials: Sequence[Material], *, progress: Progress | None = None) -> SyncReport:
        """Make the index hold exactly ``materials``."""
        keep = {m.id for m in materials}
        gone = self.remove([m for m in list(self.rows_of) if m not in keep])
        done = self.upsert(materials, progress=progress)
        return SyncReport(done.added, done.updated, gone.removed, done.chunks)

    def _put(self, chunk: Chunk, embedding: np.ndarray) -> int:
        if self._free:
            row = self._free.pop()
            self.chunks[row] = chunk
            self._compact[row] = compact_symbols(chunk.passage)
        else:
            row = len(self.chunks)
            self.chunks.append(chunk)
            self._compact.append(compact_symbols(chunk.passage))
            if row >= len(self._alive):
                grow = max(64, len(self._alive))
                self._embeddings = np.vstack([self._embeddings, np.zeros((grow, self.encoder.dim), np.float32)])
                self._alive = np.concatenate([self._alive, np.zeros(grow, dtype=bool)])
                self._key = np.concatenate([self._key, np.zeros(grow, dtype=bool)])
        self._embeddings[row] = embedding
        self._alive[row] = True
        self._key[row] = chunk.part == "key"
        self.bm25.add(row, tokenize(chunk.passage))
        return row

    def _drop(self, material: str) -> None:
        for row in self.rows_of.pop(material, []):
            self.bm25.remove(row)
            self.chunks[row] = None
            self._alive[row] = False
            self._key[row] = False
            self._free.append(row)
        self.digests.pop(material, None)

    # --- persistence --------------------------------------------------------------------------------
    def _saved(self) -> None:
        if self.folder is not None:
            self.save(self.folder)

    def save(self, folder: Path) -> None:
        """Write ``index.json`` and ``embeddings.npy`` (atomically replaced)."""
        with self.lock:
            folder.mkdir(parents=True, exist_ok=True)
            rows = [r for r, c in enumerate(self.chunks) if c is not None]
            meta = {
                "format": FORMAT,
                "encoder": self.encoder.name,
                "dim": self.encoder.dim,
                "max_words": self.max_words,
                "overlap": self.overlap,
                "digests": self.digests,
                "chunks": [
                    [c.material, c.index, c.title, list(c.sentences), c.part] for r in rows if (c := self.chunks[r])
                ],
            }
            tmp_vectors, tmp_meta = folder / "embeddings.tmp.npy", folder / "index.tmp.json"
            np.save(tmp_vectors, self._embeddings[rows])
            tmp_meta.write_text(json.dumps(meta))
            os.replace(tmp_vectors, folder / "embeddings.npy")
            os.replace(tmp_meta, folder / "index.json")

    @classmethod
    def load(cls, folder: Path, encoder: PassageEncoder, *, autosave: bool = True, **options: float) -> QaIndex:
        """The index saved in ``folder``; an empty one when there is none, it does not load, or it was made otherwise.

        "Otherwise" is another encoder (the served retriever changed), another chunking,
        or files that do not agree: then every material is embedded again by ``sync``.
        Files that do not load (a cut-off ``embeddings.npy``, bad JSON) are rebuilt the
        same way, with a warning: they stopped the service at start with numpy's traceback.
        """
        index = cls(encoder, folder=folder if autosave else None, **options)  # type: ignore[arg-type]
        meta_path, vectors_path = folder / "index.json", folder / "embeddings.npy"
        if not meta_path.exists() or not vectors_path.exists():
            return index
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            vectors = np.load(vectors_path, allow_pickle=False)
            if not isinstance(meta, dict):
                raise ValueError("index.json holds no JSON object")
        except (OSError, ValueError, EOFError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            log.warning("index in %s does not load (%s: %s); rebuilding it", folder, type(error).__name__, error)
            return index
        reasons = [
            why
            for why, differs in (
                (f"format {meta.get('format')}, now {FORMAT}", meta.get("format") != FORMAT),
                (
                    f"encoder {meta.get('encoder')}, now {encoder.name}",
                    meta.get("encoder") != encoder.name or meta.get("dim") != encoder.dim,
                ),
                ("other chunking", meta.get("max_words") != index.max_words or meta.get("overlap") != index.overlap),
                ("its files disagree", len(meta.get("chunks", [])) != len(vectors)),
            )
            if differs
        ]
        if reasons:  # the upgrade's log said "encoder bundled" where the format had changed
            log.info("index in %s was built otherwise (%s); rebuilding", folder, "; ".join(reasons))
            return index
        try:
            with index.lock:
                for (material, position, title, sentences, part), vector in zip(meta["chunks"], vectors, strict=True):
                    row = index._put(Chunk(material, position, title, tuple(sentences), part), vector)
                    index.rows_of.setdefault(material, []).append(row)
                index.digests = {m: d for m, d in meta["digests"].items() if m in index.rows_of}
        except (KeyError, TypeError, ValueError, AttributeError) as error:  # the right shape, wrong contents
            log.warning("index in %s does not load (%s: %s); rebuilding it", folder, type(error).__name__, error)
            return cls(encoder, folder=folder if autosave else None, **options)  # type: ignore[arg-type]
        return index
