"""The in-memory model of a dataset: splits of labelled samples.

Discovery builds it; rules read it. Nothing here touches the file system.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

SPLIT_ALIASES = {
    "train": "train",
    "training": "train",
    "val": "val",
    "valid": "val",
    "validation": "val",
    "dev": "val",
    "test": "test",
    "testing": "test",
    "eval": "test",
    "evaluation": "test",
}
# words that say nothing of a split (GTSRB's Final_Training and Final_Test are theirs)
SPLIT_NOISE = {"set", "seg", "data", "dataset", "split", "images", "imgs", "files", "final"}
SPLIT_ORDER = ("train", "val", "test")
AUGMENTED = {"aug", "augment", "augmented", "augmentation", "augmentations"}
# a split named by one of these alone is more training data: `augmented/` beside
# `train/`, SVHN's `extra` ("to use as extra training data", its authors say)
MORE_TRAINING = AUGMENTED | {"extra"}
EVAL_SPLITS = ("val", "test")


def split_of_name(name: str) -> str | None:
    """train, val or test for a folder name that says a split the way datasets ship
    them (`train`, `Training`, `training_set`, `train_set`, `TRAIN`, `seg_train`,
    `valid_set`, `DEV`, `test1`), else None."""
    return _alias("".join(_split_words(name)))


def _split_words(name: str) -> list[str]:
    """A folder or split name's words, less those that say nothing (`set`, `data`)."""
    return [t for t in re.split(r"[\W_]+", name.lower()) if t and t not in SPLIT_NOISE]


def _alias(word: str) -> str | None:
    """train, val or test for a word that names it, numbered or not (`test1`)."""
    return SPLIT_ALIASES.get(word) or SPLIT_ALIASES.get(word.rstrip("0123456789"))


@dataclass(frozen=True)
class InvalidLabel:
    """A label value that cannot be used as a class: empty, NaN, or a bad one-hot row."""

    raw: str
    reason: str

    def __str__(self) -> str:
        return self.raw


Label = int | float | str | InvalidLabel


class Sample(NamedTuple):
    """One labelled example. `path` is its file (relative to the dataset root) or None
    for a row of an array; `source` names it for people ("x_train.npy[12]")."""

    source: str
    label: Label
    split: str
    path: str | None = None
    folder_label: str | None = None


@dataclass
class Dataset:
    """A discovered dataset.

    `label_source` says where labels come from: "folder" (class folder names),
    "manifest" (a label column), "folder and manifest" (split folders, one labelled by
    its manifest: GTSRB's), "array" (a y array) or "table" (a table of samples, whose
    rows are its samples; `table_columns` says what the scan reads of each).
    The other lists record what discovery saw but did not turn into samples:
    `stray_files` (paths), `stray_dirs` (path, "class" or "inside" a class folder,
    data files within), `empty_classes` (split, class, path), `missing_files`
    (manifest row, path named), `unreadable_arrays` (array, reason). `array_inputs`
    maps a split to its x array (file, key within an .npz or a table's split, or
    None); `label_arrays` to its y array. A manifest's samples have their row in
    `manifest_rows`, and each manifest its label column in `label_columns` (for a
    repaired copy). A dataset by URL has `file_versions`: each object's size and
    version (ETag) from the store's listing, for the cache key.
    """

    root: str
    layout: str
    label_source: str
    samples: list[Sample] = field(default_factory=list)
    manifest: str | None = None
    stray_files: list[str] = field(default_factory=list)
    stray_dirs: list[tuple[str, str, int]] = field(default_factory=list)
    empty_classes: list[tuple[str, str, str]] = field(default_factory=list)
    missing_files: list[tuple[str, str]] = field(default_factory=list)
    unreadable_arrays: list[tuple[str, str]] = field(default_factory=list)
    malformed_rows: list[tuple[str, list[str]]] = field(default_factory=list)  # table, rows
    array_inputs: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    label_arrays: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # y, by split
    table_columns: dict[str, Any] = field(default_factory=dict)  # a table -> its TableScan
    table_labels: dict[str, str] = field(default_factory=dict)  # a table -> its labels' table
    # a manifest's sample: its path -> (manifest, table row); manifest -> its label column
    manifest_rows: dict[str, tuple[str, int]] = field(default_factory=dict)
    label_columns: dict[str, int] = field(default_factory=dict)
    one_hot_labels: list[str] = field(default_factory=list)  # manifests of one-hot labels
    unused_folders: list[tuple[str, int, str]] = field(default_factory=list)  # folder, files, why
    unused_files: list[tuple[str, str]] = field(default_factory=list)  # a table, why not used
    # data files no manifest row names: label None, split "unlabelled test"; they take
    # part in the duplicate and leak checks only
    unlabelled: list[Sample] = field(default_factory=list)
    label_files: list[str] = field(default_factory=list)
    skipped_links: list[tuple[str, str]] = field(default_factory=list)
    file_versions: dict[str, tuple[int, str]] | None = None

    _by_split: dict[str, list[Sample]] = field(default_factory=dict, repr=False)
    _counts: dict[str, Counter] = field(default_factory=dict, repr=False)
    _indexed: int = field(default=-1, repr=False)

    @property
    def splits(self) -> list[str]:
        present = set(self._index())
        present.update(split for split, _, _ in self.empty_classes)
        return sorted(present, key=split_sort_key)

    def samples_in(self, split: str) -> list[Sample]:
        return self._index().get(split, [])

    def split_size(self, split: str) -> int:
        """How many samples a split holds, unlabelled ones included."""
        return len(self.samples_in(split)) + sum(s.split == split for s in self.unlabelled)

    def rows_of(self, split: str) -> list[Sample]:
        """The samples a split's stacked input (x array or table) holds, in row order:
        its labelled samples, or an unlabelled table's rows ('unlabelled test')."""
        return self.samples_in(split) or [s for s in self.unlabelled if s.split == split]

    def with_unlabelled(self) -> list[Sample]:
        """Every sample, then every unlabelled file: what the duplicate checks compare."""
        return [*self.samples, *self.unlabelled]

    def class_counts(self, split: str) -> Counter:
        """Counts of valid labels in a split (invalid labels are L005's business)."""
        self._index()
        if split not in self._counts:
            self._counts[split] = Counter(
                s.label for s in self.samples_in(split) if is_class(s.label)
            )
        return Counter(self._counts[split])

    def _index(self) -> dict[str, list[Sample]]:
        """Samples by split, rebuilt whenever samples were added since the last call
        (discovery adds them; rules only read)."""
        if self._indexed != len(self.samples):
            self._by_split, self._counts = {}, {}
            for sample in self.samples:
                self._by_split.setdefault(sample.split, []).append(sample)
            self._indexed = len(self.samples)
        return self._by_split

    def classes(self) -> list[Label]:
        return sort_labels({s.label for s in self.samples if is_class(s.label)})

    def integer_labels(self) -> list[int] | None:
        """The distinct labels when the labels are numbers from a manifest or an
        array and every class label is an integer; None otherwise."""
        if self.label_source == "folder":
            return None
        classes = self.classes()
        if not classes or not all(isinstance(c, int) for c in classes):
            return None
        return classes


def is_class(label: Label | None) -> bool:
    """True for a label usable as a class: a string, or an integral number (not an
    unlabelled file's None)."""
    if label is None or isinstance(label, InvalidLabel):
        return False
    return not (isinstance(label, float) and not label.is_integer())


def split_family(split: str) -> str:
    """The standard split a split is more of: `train` for `train_augmented` or
    `extra-train` (a split word with others beside it) and for `augmented` or `extra`
    alone (`MORE_TRAINING`), the split itself for `train`, `val` and `test` and for a
    name with no split word or two (`trainval`, `fold3`)."""
    words = _split_words(split)
    named = {_alias(word) for word in words} - {None}
    if not named and MORE_TRAINING.intersection(words):
        return "train"
    return named.pop() if len(named) == 1 else split


def is_augmented(split: str) -> bool:
    """Whether a split's name says it holds augmentations (`train_augmented`, `aug`):
    near-copies of one another are what it is made of."""
    return bool(AUGMENTED.intersection(_split_words(split)))


def split_sort_key(split: str) -> tuple[int, str, bool, str]:
    """Splits in the order train, val, test, each followed by what is more of it
    (`train_augmented` or `augmented` after `train`), then the others by name."""
    family = split_family(split)
    rank = SPLIT_ORDER.index(family) if family in SPLIT_ORDER else len(SPLIT_ORDER)
    return (rank, family, split != family, split)


def leaking_splits(splits: set[str]) -> list[str]:
    """The splits of a group of copies that leak, in order: all but those of its first
    split's family. Copies between `train` and `train_augmented` are no leak; a copy of
    either in `test` is."""
    ordered = sorted(splits, key=split_sort_key)
    first = split_family(ordered[0])
    return [split for split in ordered if split_family(split) != first]


def sort_labels(labels: object) -> list[Label]:
    """Numbers first in numeric order, then strings alphabetically."""
    return sorted(
        labels, key=lambda v: (isinstance(v, str), v if not isinstance(v, str) else 0, str(v))
    )


def format_label(label: Label) -> str:
    return repr(label) if isinstance(label, str) else str(label)
