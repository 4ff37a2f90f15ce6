"""The separability probe: can these classes be told apart at all from these inputs?

Every labelled sample's 32×32 thumbnail (from the scan: images, log-mel spectrograms,
arrays) goes through a small random-weight convolutional network (`probe_model`) on
onnxruntime, the CUDA execution provider when present. A logistic regression on the
features is scored out-of-fold (stratified k-fold), against the majority rate, with a
one-sided binomial test. A second, tiny probe (depth-3 trees, one property at a time)
asks whether trivial properties of the files give the label away.

This module gathers the inputs and reads the verdict; the computation itself is
`probe_compute`, run beside the other rules in a helper process when the probe is
large (`probe_helper`).
"""

from __future__ import annotations

import importlib
import math
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import xxhash

from dslint import __version__
from dslint.analysis import probe_helper
from dslint.analysis.probe_columns import ColumnInputs, column_inputs
from dslint.analysis.probe_compute import Fit, Work, fitted
from dslint.analysis.probe_model import probe_model
from dslint.analysis.sampling import PROBE_SAMPLES, stratified_subsample
from dslint.analysis.stats import binomial_tail
from dslint.engine.wording import examples, plural
from dslint.model.dataset import Label, format_label, is_class, sort_labels
from dslint.model.formats import KINDS, PICTURE_PROPERTIES
from dslint.training.chance import Chance

if TYPE_CHECKING:
    from dslint.engine.context import Context
    from dslint.scan.cache import FactsCache

VERDICT_KEYS = ("samples", "classes", "accuracy", "balanced_accuracy", "chance", "p_value")
FIT_VERSION = 2  # raise when the fit changes: cached fits of another version are not read
MIN_PER_CLASS = 8
WORDS_LIBRARY = "sklearn.feature_extraction.text"  # hashes the words of tables and texts


@dataclass(frozen=True)
class ProbeSettings:
    enabled: bool = True
    device: str = "auto"  # auto | cpu | cuda
    model: Path | None = None  # an ONNX encoder of the user's
    max_samples: int = PROBE_SAMPLES  # a stratified subsample beyond this
    # a progress bar, set for the run
    progress: Callable[[int, str], Callable[[int], None]] | None = field(
        default=None, compare=False
    )


@dataclass
class Timing:
    """Where the probe's time went. Library imports (onnxruntime, or scikit-learn's
    word hashing for tables and texts) are counted apart: they are paid once per
    process, whatever the dataset."""

    imports: float = 0.0
    features: float = 0.0  # computing the features that were not in the cache
    computed: int = 0
    from_cache: int = 0
    fit: float = 0.0
    fit_from_cache: bool = False  # nothing the fit reads changed since a run that made it
    beside: bool = False  # computed in the helper process while the other rules ran

    @property
    def total(self) -> float:
        return self.features + self.fit

    def summary(self) -> dict:
        return {
            "seconds": round(self.total, 3),
            "import_seconds": round(self.imports, 3),
            "features_seconds": round(self.features, 3),
            "features_computed": self.computed,
            "features_from_cache": self.from_cache,
            "features_per_second": round(self.computed / self.features, 1)
            if self.computed and self.features
            else None,
            "fit_seconds": round(self.fit, 3),
            "fit_from_cache": self.fit_from_cache,
            "beside_the_rules": self.beside,
        }


@dataclass
class ProbeResult:
    provider: str  # the execution provider that computed features, or "cache"
    samples: int
    timing: Timing
    classes: list[Label]
    chance: float
    accuracy: float
    balanced_accuracy: float
    p_value: float
    confusion: np.ndarray
    truth: np.ndarray  # class index per sample
    proba: np.ndarray  # out-of-fold class probabilities
    sources: list[str]
    shortcuts: dict[str, float] = field(default_factory=dict)  # property -> accuracy
    provider_note: str | None = None  # why CUDA was not used, when it was listed
    converged: bool = True  # whether every logistic-regression fit converged
    labelled: int = 0  # the labelled samples the probed ones were drawn from

    @property
    def subsampled(self) -> bool:
        return self.labelled > self.samples

    @property
    def chance_level(self) -> Chance:
        """Guessing on the probed samples: the majority rate, and the loss of knowing
        only the class shares."""
        k = len(self.classes)
        shares = np.bincount(self.truth, minlength=k) / len(self.truth)
        return Chance(k, self.chance, "the majority rate", "the probed samples", tuple(shares))

    @property
    def way_to_perfect(self) -> float:
        """Balanced accuracy over chance (1/K) as a share of the way to 1."""
        k = len(self.classes)
        return (self.balanced_accuracy - 1 / k) / (1 - 1 / k)

    def verdict(self) -> dict:
        """The deterministic part of the summary, for findings' evidence."""
        return {k: v for k, v in self.summary().items() if k in VERDICT_KEYS}

    def summary(self) -> dict:
        return {
            "provider": self.provider,
            "provider_note": self.provider_note,
            "samples": self.samples,
            "labelled": max(self.labelled, self.samples),
            "classes": [str(c) for c in self.classes],
            "confusion": self.confusion.tolist(),
            **self.timing.summary(),
            "fit_converged": self.converged,
            "accuracy": round(self.accuracy, 4),
            "balanced_accuracy": round(self.balanced_accuracy, 4),
            "chance": round(self.chance, 4),
            "p_value": float(f"{self.p_value:.3g}"),
        }


def as_from_cache(summary: dict) -> dict:
    """A probe's summary as a check that found its features and fit in the cache
    gives it: what a replayed check says, since it computed nothing."""
    return {
        **summary,
        **Timing(from_cache=summary["samples"], fit_from_cache=True).summary(),
        "provider": "cache",
        "provider_note": None,
    }


def probed(summary: dict) -> str:
    """How many samples the probe looked at, in words, for the reports."""
    samples, labelled = summary["samples"], summary.get("labelled", summary["samples"])
    if labelled <= samples:
        return f"{samples:,} samples"
    return (
        f"{samples:,} of {labelled:,} labelled samples (a stratified subsample; "
        "--probe-samples sets how many)"
    )


def describe_run(summary: dict) -> str:
    """Where the probe's time went and what ran it, in words, for the reports."""
    computed, cached = summary["features_computed"], summary["features_from_cache"]
    if summary["fit_from_cache"]:
        return f"features and fit from the cache ({cached:,}): nothing the probe reads changed"
    parts = []
    if computed:
        provider = summary["provider"]
        source = f"on {provider}" if provider.endswith("ExecutionProvider") else f"as {provider}"
        if summary.get("beside_the_rules"):
            source += " in a helper process, beside the other rules,"
        parts.append(
            f"features of {computed:,} {source} in "
            f"{summary['features_seconds']:.2f} s ({summary['features_per_second']:,.0f}/s)"
            + (f", {cached:,} from the cache" if cached else "")
        )
    else:
        parts.append(f"features from the cache ({cached:,})")
    parts.append(f"fit {summary['fit_seconds']:.2f} s")
    text = "; ".join(parts) + f" (library imports {summary['import_seconds']:.2f} s, not counted)"
    if summary.get("provider_note"):
        text += f"; {summary['provider_note']}"
    if not summary.get("fit_converged", True):
        text += "; the logistic regression did not converge in 300 iterations"
    return text


def confused_pairs(matrix: np.ndarray, limit: float) -> list[tuple[float, int, int]]:
    """Class pairs (by index) whose samples the probe mixes up: of the samples of the two
    it assigns to either, at least `limit` go to the other one; most mixed first."""
    pairs = []
    for a in range(len(matrix)):
        for b in range(a + 1, len(matrix)):
            within = matrix[a, a] + matrix[b, b] + matrix[a, b] + matrix[b, a]
            mixed = (matrix[a, b] + matrix[b, a]) / within if within else 0.0
            if mixed >= limit:
                pairs.append((float(mixed), a, b))
    return sorted(pairs, key=lambda pair: -pair[0])


@dataclass
class Pending:
    """A probe under way: what it probes, and either its fit (from the cache), or its
    work, computed in the helper process when `running` is set, else when the result
    is asked for. `failed`: an error met while starting, raised by `result`."""

    settings: ProbeSettings | None = None
    cache: FactsCache | None = None
    samples: list = field(default_factory=list)
    classes: list[Label] = field(default_factory=list)
    truth: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    timing: Timing = field(default_factory=Timing)
    fit_key: bytes = b""
    keys: list[bytes] = field(default_factory=list)  # the pictures' feature keys
    folds: int = 5
    fit: Fit | None = None
    provider: str = "cache"
    note: str | None = None
    work: Work | None = None
    columns: ColumnInputs | None = None
    labelled: int = 0
    running: probe_helper.Running | None = None
    failed: Exception | None = None
    skipped: str | None = None  # why the dataset gives the probe nothing to fit

    def result(self) -> ProbeResult | None:
        """The probe's result (waiting for the helper process), or None when it gives
        no verdict."""
        if self.failed is not None:
            raise self.failed
        if self.skipped is not None:
            return None
        if self.fit is None and not self._finish():
            return None
        return _result(self)

    def _finish(self) -> bool:
        """Compute what the cache did not hold and keep it there; False when a table
        changed since the scan (no verdict on stale rows)."""
        timing, settings = self.timing, self.settings
        if self.columns is not None:
            started = time.perf_counter()
            importlib.import_module(WORDS_LIBRARY)  # timed apart: paid once per process
            timing.imports = time.perf_counter() - started
            started = time.perf_counter()
            features = self.columns.build()
            if features is None:
                return False
            self.provider = self.columns.what
            timing.computed, timing.features = len(self.samples), time.perf_counter() - started
            started = time.perf_counter()
            self.fit = fitted(features, self.truth, {}, self.folds, standardise=False)
            timing.fit = time.perf_counter() - started
        elif self.work is not None:
            done = probe_helper.outcome(self.running, self.work, settings.progress)
            self.provider, self.note, self.fit = done.provider, done.note, done.fit
            timing.features, timing.fit = done.features_seconds, done.fit_seconds
            timing.imports, timing.beside = done.imports, done.beside
            if self.cache and self.work.missing:
                self.cache.put_features(
                    zip((self.keys[i] for i in self.work.missing), done.features, strict=True)
                )
        if self.cache:
            self.cache.put_fit(self.fit_key, self.fit)
        return True


def begin_probe(ctx: Context) -> Pending | None:
    """Start the probe: its inputs gathered, its fit taken from the cache when nothing
    it reads changed, else its work begun (in the helper process when large, so that
    it runs beside the other rules). None when it cannot or should not run; an error
    met on the way is raised by `Pending.result`, where a rule asks for it."""
    settings = ctx.probe_settings
    if settings is None or not settings.enabled:
        return None
    try:
        return _begun(ctx, settings)
    except Exception as exc:
        return Pending(failed=exc)


def _begun(ctx: Context, settings: ProbeSettings) -> Pending | None:
    cache = ctx.cache
    columns = column_inputs(ctx, settings.max_samples)
    if columns is not None:  # tables and texts: features without a network
        samples, pictures, properties, model = columns.samples, None, {}, None
        labelled = columns.labelled
    else:
        samples, pictures, properties, labelled = _inputs(ctx, settings.max_samples)
        model = settings.model.read_bytes() if settings.model else probe_model()
    classes = sort_labels({s.label for s in samples})
    if len(classes) < 2:
        return Pending(skipped=_one_class(classes))
    index = {c: i for i, c in enumerate(classes)}
    truth = np.array([index[s.label] for s in samples])
    counts = np.bincount(truth, minlength=len(classes))
    if counts.min() < MIN_PER_CLASS:
        few = [format_label(c) for c, n in zip(classes, counts, strict=True) if n < MIN_PER_CLASS]
        return Pending(
            skipped=f"{plural(len(few), 'class has', 'classes have')} fewer than "
            f"{MIN_PER_CLASS} labelled samples ({examples(few)}); it needs {MIN_PER_CLASS} of "
            "each to fit and test in folds"
        )
    folds = int(min(5, counts.min()))
    keys = _feature_keys(pictures, model) if columns is None else [columns.identity]
    fit_key = _fit_key(keys, truth, properties, folds)
    pending = Pending(
        settings=settings,
        cache=cache,
        samples=samples,
        classes=classes,
        truth=truth,
        fit_key=fit_key,
        keys=keys,
        folds=folds,
        labelled=labelled,
    )
    fit = cache.fit(fit_key) if cache else None
    if fit is not None and settings.device != "cuda":
        # nothing the fit reads has changed: onnxruntime is not needed
        pending.fit = fit
        pending.timing.from_cache, pending.timing.fit_from_cache = len(samples), True
    elif columns is not None:
        pending.columns = columns
    else:
        found = cache.features(keys) if cache else {}
        missing = [i for i, key in enumerate(keys) if key not in found]
        known = [found[key] for key in keys if key in found]
        pending.timing.from_cache, pending.timing.computed = len(known), len(missing)
        pending.work = Work(
            pictures=pictures[missing],
            known=np.stack(known) if known else None,
            missing=missing,
            truth=truth,
            properties=properties,
            folds=folds,
            model=model,
            device=settings.device,
        )
        pending.running = probe_helper.submit(pending.work)
    return pending


def _result(pending: Pending) -> ProbeResult:
    """The verdict's numbers from the out-of-fold probabilities."""
    truth, classes = pending.truth, pending.classes
    proba, shortcuts, converged = pending.fit
    predicted = proba.argmax(axis=1)
    counts = np.bincount(truth, minlength=len(classes))
    recall = [float((predicted[truth == k] == k).mean()) for k in range(len(classes))]
    chance = float(counts.max() / counts.sum())
    right = int((predicted == truth).sum())
    p_value = binomial_tail(right, len(truth), chance)
    k = len(classes)
    confusion = np.bincount(truth * k + predicted, minlength=k * k).reshape(k, k)
    return ProbeResult(
        provider=pending.provider,
        provider_note=pending.note,
        converged=converged,
        samples=len(pending.samples),
        timing=pending.timing,
        classes=classes,
        chance=chance,
        accuracy=float((predicted == truth).mean()),
        balanced_accuracy=float(np.mean(recall)),
        p_value=p_value,
        confusion=confusion,
        truth=truth,
        proba=proba,
        sources=[s.path or s.source for s in pending.samples],
        shortcuts=shortcuts,
        labelled=pending.labelled,
    )


def _inputs(ctx: Context, limit: int) -> tuple[list, np.ndarray, dict[str, np.ndarray], int]:
    """Samples with a class label and a thumbnail, their 32×32 RGB pictures, the trivial
    properties of their files, and how many were labelled: a stratified subsample
    beyond `limit` (chosen first, the pictures and properties gathered for it only)."""
    found: list[tuple] = [
        (sample, facts, None)
        for sample, facts in ctx.files()
        if facts.thumbnail and is_class(sample.label)
    ]
    found += [(sample, None, picture) for sample, picture in _stacked_pictures(ctx)]
    if not found:
        return [], np.zeros((0, 32, 32, 3), np.uint8), {}, 0
    labelled = len(found)
    found = [found[i] for i in stratified_subsample([s.label for s, _, _ in found], limit)]
    stacked = np.stack(
        [np.frombuffer(f.thumbnail, np.uint8) if f else picture for _, f, picture in found]
    ).reshape(len(found), 32, 32, 3)
    rows = [_properties(f) if f else {} for _, f, _ in found]
    names = sorted({name for row in rows for name in row})
    properties = {
        name: np.array([row.get(name, np.nan) for row in rows], dtype=float) for name in names
    }
    # a recording's picture is a spectrogram; a stacked array's row is drawn as a picture
    drawn = np.array(
        [
            f is None or set(PICTURE_PROPERTIES) <= set(KINDS[f.kind].probe_properties)
            for _, f, _ in found
        ]
    )
    for name, values in _picture_properties(stacked).items():
        if drawn.any():
            properties[name] = np.where(drawn, values, np.nan)
    return [s for s, _, _ in found], stacked, dict(sorted(properties.items())), labelled


def _stacked_pictures(ctx: Context) -> list[tuple]:
    """Pictures of the rows of the NumPy layout's x arrays (read here, memory-mapped)."""
    from dslint.scan.decode import thumbnail_of_array

    found = []
    for split, (file, key) in ctx.dataset.array_inputs.items():
        facts = ctx.facts.get(file)
        if facts is None or facts.error:
            continue
        path = Path(ctx.dataset.root) / file
        try:
            if key is None:
                array = np.load(path, mmap_mode="r", allow_pickle=False)
            else:
                with np.load(path, allow_pickle=False) as archive:
                    array = archive[key]
        except (OSError, ValueError):
            continue
        rows = ctx.dataset.samples_in(split)
        if len(rows) != len(array) or array.dtype.kind not in "biuf":
            continue
        for row, sample in zip(array, rows, strict=True):
            if is_class(sample.label):
                found.append((sample, np.frombuffer(thumbnail_of_array(row), np.uint8)))
    return found


def _picture_properties(pictures: np.ndarray) -> dict[str, np.ndarray]:
    """The brightness of each picture and of its border, all pictures at once."""
    # the channels added one by one: ten times faster than a mean over the last axis
    grey = (pictures[..., 0].astype(np.uint16) + pictures[..., 1] + pictures[..., 2]) / 3
    edges = grey[:, 0].sum(1) + grey[:, -1].sum(1) + grey[:, :, 0].sum(1) + grey[:, :, -1].sum(1)
    return {"mean brightness": grey.mean(axis=(1, 2)), "border brightness": edges / (4 * 32)}


def _properties(facts) -> dict[str, float]:
    """What a model could read a label from without looking at the content, from the
    file's facts: the properties its kind declares (dslint.model.formats; the
    picture's brightness is `_picture_properties`, over all pictures at once)."""
    declared = KINDS[facts.kind].probe_properties
    candidates = {
        "file size": math.log1p(facts.size),
        "format": float(zlib.crc32(facts.format.encode()) % 1000) if facts.format else np.nan,
        "loudness (RMS)": 20 * math.log10(max(facts.rms or 0.0, 1e-9)),
        "width": facts.width,
        "height": facts.height,
        "aspect ratio": facts.width / max(1, facts.height or 0) if facts.width else None,
        "channels": facts.channels or 0,
        "duration": facts.duration,
        "sample rate": facts.sample_rate,
    }
    found: dict[str, float] = {
        name: value for name, value in candidates.items() if name in declared and value is not None
    }
    return found


def _feature_keys(pictures: np.ndarray, model: bytes) -> list[bytes]:
    model_id = xxhash.xxh3_128_digest(model)
    return [xxhash.xxh3_128_digest(model_id + picture.tobytes()) for picture in pictures]


def _fit_key(
    keys: list[bytes], truth: np.ndarray, properties: dict[str, np.ndarray], folds: int
) -> bytes:
    """A digest of everything the fit reads (features by their keys, labels, the
    trivial properties, folds) and of the code that fits."""
    code = f"{__version__} {FIT_VERSION} {folds}"
    digest = xxhash.xxh3_128(code.encode())
    digest.update(b"".join(keys))
    digest.update(truth.astype(np.int64).tobytes())
    for name in sorted(properties):
        digest.update(name.encode() + properties[name].astype(np.float64).tobytes())
    return digest.digest()


def _one_class(classes: list[Label]) -> str:
    """Why a dataset of fewer than two classes is not probed."""
    if not classes:
        return "no labelled sample it can read (pictures, recordings, arrays or table rows)"
    return f"one class ({format_label(classes[0])}); it tells classes apart"
