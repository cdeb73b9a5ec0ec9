"""How much a full sentence encoder would add: the real posts' grouped cross-validation with the
shipped static word vectors, with the full all-MiniLM-L6-v2 sentence vectors instead, and with
both.

Each variant is scored by the average precision of the opportunity head on the real training
posts (out of fold, folds by whole source, the written train split always in training, as
`mentorfeed train` folds them): a figure that does not depend on where a threshold is put. The
held-out sources are not read.

Run it in the environment of scripts/distill_embeddings.py (PyTorch stays out of mentorfeed's):

    /tmp/embedvenv/bin/python scripts/encoder_ceiling.py

About two minutes on two cores (encoding 3,000 posts takes ~35 s).
"""

from __future__ import annotations

import sys

import numpy as np
import scipy.sparse as sp
from distill_embeddings import verified_model_dir  # beside this script: the same checked model
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

SCALE = 5.0  # the sentence vector's weight beside the sparse features (embedding_scale)


def main() -> int:
    from sentence_transformers import SentenceTransformer

    from mentorfeed.classify.features import featurize
    from mentorfeed.classify.model import OPPORTUNITY, PARAMS, _targets, fit, folds_of
    from mentorfeed.classify.training import REAL_WEIGHT, training_set

    model_dir = verified_model_dir()
    if model_dir is None:
        return 1
    data = training_set()
    examples, weights = data.examples, np.asarray(data.weights)
    features = [featurize(e.post) for e in examples]
    labels = [e.labels for e in examples]
    truth = _targets(labels)[:, OPPORTUNITY]
    real = np.array([bool(e.group) for e in examples])
    encoder = SentenceTransformer(str(model_dir), device="cpu")
    encoded = encoder.encode([e.post.text for e in examples], batch_size=64,
                             normalize_embeddings=True)
    fold = folds_of(labels, data.groups)
    variants = {"static word vectors (shipped)": np.zeros(len(examples)),
                "full encoder alone": np.zeros(len(examples)),
                "static model + full encoder": np.zeros(len(examples))}
    for number in range(PARAMS["folds"]):
        train, test = np.flatnonzero(fold != number), np.flatnonzero(fold == number)
        model = fit([features[i] for i in train], [labels[i] for i in train],
                    weights=weights[train])
        seen = model.vectorize([features[i] for i in train]).joined()
        unseen = model.vectorize([features[i] for i in test]).joined()
        variants["static word vectors (shipped)"][test] = model.scores(
            model.vectorize([features[i] for i in test]))[:, OPPORTUNITY]
        for name, (x_train, x_test) in {
            "full encoder alone": (encoded[train], encoded[test]),
            "static model + full encoder": (
                sp.hstack([seen, sp.csr_matrix(encoded[train] * SCALE)], format="csr"),
                sp.hstack([unseen, sp.csr_matrix(encoded[test] * SCALE)], format="csr")),
        }.items():
            regression = LogisticRegression(C=PARAMS["C"], class_weight="balanced",
                                            max_iter=3000, solver="liblinear")
            regression.fit(x_train, truth[train], sample_weight=weights[train])
            variants[name][test] = regression.predict_proba(x_test)[:, 1]
    print(f"real training posts: {int(real.sum())} ({int(truth[real].sum())} opportunities), "
          f"real weight {REAL_WEIGHT:g}; opportunity average precision, grouped 5-fold:")
    for name, scores in variants.items():
        print(f"  {name:32} {average_precision_score(truth[real], scores[real]):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
