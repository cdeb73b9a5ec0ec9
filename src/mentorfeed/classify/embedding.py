"""Dense semantic features: static word vectors distilled from the sentence encoder
all-MiniLM-L6-v2, read with NumPy alone.

The table (package data in mentorfeed/data/embeddings: `words.npz` with `vectors` float16
[n, 128] and optional `weights` [n], and `vocab.txt`, the n words one a line) is made by
scripts/distill_embeddings.py. A text's vector is the weighted mean of the vectors of its known
words, L2-normalised; a text with no known word gets zeros. Words are lower-cased and found by
one regular expression; URLs and @mentions are skipped.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from mentorfeed.errors import ModelError

DIMENSIONS = 128
# A URL or an @mention (group 1 empty: skipped) or a word (group 1). The same expression is in
# scripts/distill_embeddings.py, which chooses the words.
_TOKEN = re.compile(r"https?://\S+|(?<!\w)@[\w.@-]+|(\b\w[\w']*\b)")
# Texts summed at once: their [tokens, 128] block (~3 MB) stays in cache, which makes
# np.add.reduceat several times faster than on one block for all the texts.
_CHUNK = 128

Matrix = np.ndarray[Any, np.dtype[np.float32]]


class _Index(dict[str, int]):
    """Word -> row; an unknown word (and a skipped URL, "") -> the zero row."""

    __slots__ = ("missing",)

    def __init__(self, words: Sequence[str]) -> None:
        super().__init__(zip(words, range(len(words)), strict=True))
        self.missing = len(words)

    def __missing__(self, key: str) -> int:
        return self.missing


class WordVectors:
    """A static word-vector table; `embed` turns texts into unit vectors."""

    def __init__(self, words: Sequence[str], vectors: np.ndarray[Any, Any],
                 weights: np.ndarray[Any, Any] | None = None) -> None:
        if vectors.ndim != 2 or vectors.shape[0] != len(words):
            raise ValueError(f"{len(words)} words but vectors of shape {vectors.shape}")
        if weights is not None and weights.shape != (len(words),):
            raise ValueError(f"{len(words)} words but weights of shape {weights.shape}")
        self.words: list[str] = list(words)
        self.dimensions: int = int(vectors.shape[1])
        self._vectors: Matrix = vectors.astype(np.float32)
        table = self._vectors if weights is None else \
            self._vectors * weights.astype(np.float32)[:, None]
        # One more row of zeros, for the words that are not in the table.
        self._table: Matrix = np.vstack([table, np.zeros((1, self.dimensions), np.float32)])
        self._index = _Index(self.words)

    @classmethod
    def load(cls, folder: Path | str | None = None) -> WordVectors:
        """The table in `folder`, by default the one shipped with mentorfeed."""
        where = Path(folder) if folder is not None else \
            Path(str(resources.files("mentorfeed") / "data" / "embeddings"))
        try:
            words = (where / "vocab.txt").read_text(encoding="utf-8").splitlines()
            with np.load(where / "words.npz", allow_pickle=False) as arrays:
                vectors = arrays["vectors"]
                weights = arrays["weights"] if "weights" in arrays.files else None
            return cls(words, vectors, weights)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            raise ModelError(f"The word vectors in {where} are missing or damaged; run "
                             "scripts/distill_embeddings.py to make them again.") from None

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self._index

    def embed(self, texts: Sequence[str]) -> Matrix:
        """float32 [len(texts), dimensions]: each text's weighted mean word vector, unit length
        (zeros when no word of the text is known)."""
        out = np.zeros((len(texts), self.dimensions), np.float32)
        lookup = self._index.__getitem__
        findall = _TOKEN.findall
        zero = self._index.missing
        for first in range(0, len(texts), _CHUNK):
            rows: list[int] = []
            starts: list[int] = []
            for text in texts[first:first + _CHUNK]:
                starts.append(len(rows))
                rows.append(zero)  # so that no text's segment is empty
                rows.extend(map(lookup, findall(text.lower())))
            block = self._table[np.array(rows, np.intp)]
            out[first:first + len(starts)] = np.add.reduceat(block, np.array(starts, np.intp),
                                                             axis=0)
        norms = np.sqrt(np.einsum("ij,ij->i", out, out))[:, None]
        np.divide(out, norms, out=out, where=norms > 0)
        return out

    def neighbours(self, word: str, count: int = 10) -> list[tuple[str, float]]:
        """The `count` words nearest to `word` by cosine, with their similarity."""
        row = self._index.get(word.lower())
        if row is None:
            return []
        similarity = self._vectors @ self._vectors[row]
        similarity[row] = -np.inf
        best = np.argpartition(-similarity, count)[:count]
        best = best[np.argsort(-similarity[best])]
        return [(self.words[i], float(similarity[i])) for i in best]
