"""`Context`: what a rule reads, and the analyses rules share.

A rule reads the dataset, the scanned facts by path, the task, and after training the
history and predictions. The shared analyses (duplicate groups, near-duplicate groups,
per-split value statistics, the separability probe) are methods: each is computed on
the first rule's request and reused by every other, so D002, D003 and D004 search for
near-duplicates once. Third-party rules use the same methods, and `shared` for
analyses of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from dslint.engine.rule import Finding
from dslint.model.dataset import Dataset, Sample
from dslint.model.facts import FileFacts

if TYPE_CHECKING:
    from dslint.analysis.duplicates import DuplicateGroup
    from dslint.analysis.near import NearGroup
    from dslint.analysis.probe import Pending, ProbeResult, ProbeSettings
    from dslint.analysis.values import SplitValues
    from dslint.scan.cache import FactsCache
    from dslint.training.history import History
    from dslint.training.predictions import Predictions

T = TypeVar("T")


@dataclass(frozen=True)
class Task:
    """What the training expects of the labels, from `[tool.dslint.task]`."""

    loss: str | None = None
    labels: tuple[Any, ...] | None = None
    classes: int | None = None  # K, for checking a history without its dataset


@dataclass
class Context:
    """What a rule reads: the dataset, the scanned facts by path, the task, the training
    run, and the shared analyses (methods, each computed once per check)."""

    dataset: Dataset
    facts: dict[str, FileFacts]
    task: Task = field(default_factory=Task)
    history: History | None = None
    predictions: Predictions | None = None
    probe_settings: ProbeSettings | None = None  # how the separability probe may run
    cache: FactsCache | None = None  # the facts cache of the run, if any
    findings: list[Finding] = field(default_factory=list)  # for rules that read findings
    _computed: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    def fired(self, *rule_ids: str) -> list[Finding]:
        """The findings of these rules among those made before this rule ran."""
        return [f for f in self.findings if f.rule_id in rule_ids]

    def facts_of(self, sample: Sample) -> FileFacts | None:
        return self.facts.get(sample.path) if sample.path else None

    def files(
        self, split: str | None = None, unlabelled: bool = False
    ) -> list[tuple[Sample, FileFacts]]:
        """Each labelled sample that has a scanned file, with its facts, in dataset
        order: of one split when `split` is given; followed by the unlabelled files with
        `unlabelled`. Paired once per check: rules that read every file's facts go
        through this list, not a lookup per sample each (1.6 million lookups took a
        quarter of a second in a 100,000-file check)."""
        labelled, others, by_split = self._once("files", self._paired_files)
        if split is not None:
            return by_split.get(split, [])
        return [*labelled, *others] if unlabelled else labelled

    def _paired_files(
        self,
    ) -> tuple[list[tuple[Sample, FileFacts]], list[tuple[Sample, FileFacts]], dict[str, list]]:
        facts = self.facts
        labelled = [(s, f) for s in self.dataset.samples if s.path and (f := facts.get(s.path))]
        others = [(s, f) for s in self.dataset.unlabelled if s.path and (f := facts.get(s.path))]
        by_split: dict[str, list[tuple[Sample, FileFacts]]] = {}
        for pair in labelled:
            by_split.setdefault(pair[0].split, []).append(pair)
        return labelled, others, by_split

    def shared(self, compute: Callable[..., T], *args: Hashable) -> T:
        """`compute(self, *args)`, computed once per check for the same arguments and
        shared by every rule that asks: for a plugin's own analyses."""
        return self._once((compute, *args), lambda: compute(self, *args))

    def _once(self, key: Hashable, compute: Callable[[], T]) -> T:
        if key not in self._computed:
            self._computed[key] = compute()
        return self._computed[key]

    def duplicates(self) -> list[DuplicateGroup]:
        """Groups of samples with the same content (decoded pixels, samples or values),
        labelled and unlabelled."""
        from dslint.analysis.duplicates import duplicate_groups

        return self._once("duplicates", lambda: duplicate_groups(self))

    def read_again(self, paths: list[str]) -> dict[str, bytes | Exception]:
        """The bytes of these files of the dataset, read again (from its folder or its
        remote store), a failure in place of its bytes: one unreadable file stops
        nothing."""
        from dslint.discover.remote import is_url, read_objects

        root = self.dataset.root
        if is_url(root):
            return read_objects(root, paths)
        return {path: _read(Path(root) / path) for path in paths}

    def near_groups(
        self, max_distance: int | None = None, within_splits: bool = False, spread: bool = False
    ) -> list[NearGroup]:
        """Confirmed near-duplicate groups (a sample and its copies, never a chain): images
        whose fingerprints are within `max_distance` bits (the default reach when None)
        and recordings by their audio fingerprint. Exact copies are left out. With
        `within_splits`, groups of the pairs inside one split only; with `spread`, of
        images only the pairs whose difference is spread over the picture, as a copy's
        is."""
        from dslint.analysis.near import DEFAULT_DISTANCE, near_groups

        distance = DEFAULT_DISTANCE if max_distance is None else max_distance
        return self._once(
            ("near", distance, within_splits, spread),
            lambda: near_groups(self, distance, within_splits, spread),
        )

    def split_values(self) -> dict[str, SplitValues]:
        """Each split's value statistics (range, scale, non-finite values), from facts."""
        from dslint.analysis.values import split_values

        return self._once("split values", lambda: split_values(self))

    def audio_files(self) -> list[tuple[Sample, FileFacts]]:
        """Every decoded recording with its facts, in dataset order."""
        return self._once(
            "audio files",
            lambda: [
                (s, f)
                for s, f in self.files()
                if f.kind == "audio" and not f.error and f.sample_rate
            ],
        )

    def start_probe(self) -> Pending | None:
        """Begin the separability probe ahead of the rules that read it: a large probe
        then computes in a helper process while the other rules run."""
        from dslint.analysis.probe import begin_probe

        return self._once("probe begun", lambda: begin_probe(self))

    def probe(self) -> ProbeResult | None:
        """The separability probe's result, or None when it is off or cannot give one
        (one class, too few samples per class)."""
        pending = self.start_probe()
        return self._once("probe", lambda: pending.result() if pending else None)

    def thumbnails(self, samples: list[Sample]) -> list[bytes | None]:
        """Each sample's 32×32 RGB picture (uint8 bytes) from the scan: in its facts when
        freshly scanned, else from the cache (a run without the probe leaves them
        there); None where there is none."""
        facts = [self.facts_of(s) for s in samples]
        missing = [s.path for s, f in zip(samples, facts, strict=True) if f and not f.thumbnail]
        stored = self.cache.thumbnails(self.dataset.root, missing) if missing and self.cache else {}
        return [
            (f.thumbnail or stored.get(s.path)) if f else None
            for s, f in zip(samples, facts, strict=True)
        ]


def _read(file: Path) -> bytes | OSError:
    try:
        return file.read_bytes()
    except OSError as exc:
        return exc
