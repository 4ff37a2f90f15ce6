"""What each training loss expects of the labels.

Keras and PyTorch spell the same losses many ways; names are compared with case and
punctuation removed.
"""

from __future__ import annotations

import re

# canonical name -> the label values it expects for two classes
BINARY_LABELS = {
    "binary_crossentropy": (0, 1),
    "categorical_crossentropy": (0, 1),
    "sparse_categorical_crossentropy": (0, 1),
    "hinge": (-1, 1),
    "squared_hinge": (-1, 1),
}
ALIASES = {
    "binarycrossentropy": "binary_crossentropy",
    "binarycrossentropywithlogits": "binary_crossentropy",
    "binaryfocalcrossentropy": "binary_crossentropy",
    "bce": "binary_crossentropy",
    "bceloss": "binary_crossentropy",
    "bcewithlogitsloss": "binary_crossentropy",
    "categoricalcrossentropy": "categorical_crossentropy",
    "sparsecategoricalcrossentropy": "sparse_categorical_crossentropy",
    "crossentropy": "sparse_categorical_crossentropy",
    "crossentropyloss": "sparse_categorical_crossentropy",
    "nllloss": "sparse_categorical_crossentropy",
    "hinge": "hinge",
    "hingeloss": "hinge",
    "squaredhinge": "squared_hinge",
}
# losses that index their output with the label, so labels must be 0..K-1
INDEX_LOSSES = ("sparse_categorical_crossentropy",)


def canonical_loss(name: str) -> str | None:
    return ALIASES.get(re.sub(r"[^a-z]", "", name.lower()))


def known_losses() -> list[str]:
    return sorted(BINARY_LABELS)
