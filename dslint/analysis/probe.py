"""The separability probe: can these classes be told apart at all from these inputs?

Every labelled sample's 32×32 thumbnail (from the scan: images, log-mel spectrograms,
arrays) goes through a small random-weight convolutional network (`probe_model`) on
onnxruntime, the CUDA execution provider when present. A logistic regression on the
features is scored out-of-fold (stratified k-fold), against the majority rate, with a
one-sided binomial test. A second, tiny probe (depth-3 trees, one property at a time)
asks whether trivial properties of the files give the label away.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import math
import re
import threading
import time
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import xxhash
from threadpoolctl import threadpool_limits

from dslint import __version__
from dslint.analysis.probe_columns import column_inputs
from dslint.analysis.probe_model import probe_model
from dslint.analysis.sampling import stratified_subsample
from dslint.errors import DslintError
from dslint.extras import install_hint
from dslint.model.dataset import Label, is_class, sort_labels
from dslint.model.formats import KINDS, PICTURE_PROPERTIES
from dslint.training.chance import Chance

if TYPE_CHECKING:
    from dslint.engine.context import Context
    from dslint.scan.cache import FactsCache

VERDICT_KEYS = ("samples", "classes", "accuracy", "balanced_accuracy", "chance", "p_value")
# onnxruntime first: tables and texts need the others only
PROBE_LIBRARIES = ("onnxruntime", "sklearn.linear_model", "sklearn.model_selection", "sklearn.tree")
FIT_VERSION = 1  # raise when the fit changes: cached fits of another version are not read
MIN_PER_CLASS = 8
BATCH = 512  # pictures per onnxruntime call, preprocessed one batch at a time
CPU = "CPUExecutionProvider"
CUDA = "CUDAExecutionProvider"


@dataclass(frozen=True)
class ProbeSettings:
    enabled: bool = True
    device: str = "auto"  # auto | cpu | cuda
    model: Path | None = None  # an ONNX encoder of the user's
    max_samples: int = 20_000  # a stratified subsample beyond this
    # a progress bar, set for the run
    progress: Callable[[int, str], Callable[[int], None]] | None = field(
        default=None, compare=False
    )


class Fit(NamedTuple):
    proba: np.ndarray  # out-of-fold class probabilities, one row per sample
    shortcuts: dict[str, float]  # trivial property -> out-of-fold accuracy
    converged: bool


@dataclass
class Timing:
    """Where the probe's time went. Library imports (onnxruntime, scikit-learn) are
    counted apart: they are paid once per process, whatever the dataset."""

    imports: float = 0.0
    features: float = 0.0  # computing the features that were not in the cache
    computed: int = 0
    from_cache: int = 0
    fit: float = 0.0
    fit_from_cache: bool = False  # nothing the fit reads changed since a run that made it

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
            "classes": [str(c) for c in self.classes],
            "confusion": self.confusion.tolist(),
            **self.timing.summary(),
            "fit_converged": self.converged,
            "accuracy": round(self.accuracy, 4),
            "balanced_accuracy": round(self.balanced_accuracy, 4),
            "chance": round(self.chance, 4),
            "p_value": float(f"{self.p_value:.3g}"),
        }


def describe_run(summary: dict) -> str:
    """Where the probe's time went and what ran it, in words, for the reports."""
    computed, cached = summary["features_computed"], summary["features_from_cache"]
    if summary["fit_from_cache"]:
        return f"features and fit from the cache ({cached:,}): nothing the probe reads changed"
    parts = []
    if computed:
        provider = summary["provider"]
        source = f"on {provider}" if provider.endswith("ExecutionProvider") else f"as {provider}"
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


def choose_providers(device: str, available: list[str]) -> list[str]:
    """The execution providers to ask onnxruntime for: CUDA when asked for or, with
    `auto`, when onnxruntime-gpu offers it; the CPU provider always as the fallback."""
    if device == "cpu":
        return [CPU]
    if CUDA in available:
        return [CUDA, CPU]
    if device == "cuda":
        raise DslintError(
            "--device cuda: this onnxruntime has no CUDAExecutionProvider "
            f"(install the GPU build: {install_hint('gpu')})"
        )
    return [CPU]


def import_ahead() -> None:
    """Import onnxruntime and scikit-learn in a background thread, once per process:
    called when the scan starts decoding files, the imports (0.8 s, most of what the
    probe added to a cold check of 4,000 photos) overlap the scan, whose workers are
    other processes. A check whose files all come from the cache never calls it, and
    its probe, fitted before, needs neither library."""
    global _IMPORTING
    if _IMPORTING is None:
        _IMPORTING = threading.Thread(target=_import_libraries, daemon=True)
        _IMPORTING.start()


def _import_libraries() -> None:
    for library in PROBE_LIBRARIES:
        importlib.import_module(library)


_IMPORTING: threading.Thread | None = None


def probe_result(ctx: Context) -> ProbeResult | None:
    """The probe's result for the check, or None when it cannot or should not run."""
    settings, cache = ctx.probe_settings, ctx.cache
    if settings is None or not settings.enabled:
        return None
    columns = column_inputs(ctx, settings.max_samples)
    if columns is not None:  # tables and texts: features without a network
        samples, pictures, properties, model = columns.samples, None, {}, None
    else:
        samples, pictures, properties = _inputs(ctx, settings.max_samples)
        model = settings.model.read_bytes() if settings.model else probe_model()
    classes = sort_labels({s.label for s in samples})
    if len(classes) < 2:
        return None
    index = {c: i for i, c in enumerate(classes)}
    truth = np.array([index[s.label] for s in samples])
    counts = np.bincount(truth, minlength=len(classes))
    if counts.min() < MIN_PER_CLASS:
        return None  # too few samples for any verdict
    timing = Timing()
    folds = int(min(5, counts.min()))
    keys = _feature_keys(pictures, model) if columns is None else [columns.identity]
    fit_key = _fit_key(keys, truth, properties, folds)
    fit = cache.fit(fit_key) if cache else None
    if fit is not None and settings.device != "cuda":
        # nothing the fit reads has changed: neither onnxruntime nor scikit-learn is needed
        provider, note = "cache", None
        timing.from_cache, timing.fit_from_cache = len(samples), True
    else:
        started = time.perf_counter()
        for library in PROBE_LIBRARIES[columns is not None :]:  # imported here, timed apart
            importlib.import_module(library)
        timing.imports = time.perf_counter() - started
        if columns is None:
            features, provider, note = _features(pictures, keys, model, settings, cache, timing)
        else:
            started = time.perf_counter()
            features = columns.build()
            if features is None:
                return None  # a table changed since the scan: no verdict on stale rows
            provider, note = columns.what, None
            timing.computed, timing.features = len(samples), time.perf_counter() - started
        started = time.perf_counter()
        fit = _fit(features, truth, properties, folds, standardise=columns is None)
        timing.fit = time.perf_counter() - started
        if cache:
            cache.put_fit(fit_key, fit)
    proba, shortcuts, converged = fit
    predicted = proba.argmax(axis=1)
    accuracy = float((predicted == truth).mean())
    recall = [float((predicted[truth == k] == k).mean()) for k in range(len(classes))]
    chance = float(counts.max() / counts.sum())
    from scipy.special import bdtrc

    right = int((predicted == truth).sum())
    p_value = float(bdtrc(right - 1, len(truth), chance)) if right else 1.0
    k = len(classes)
    confusion = np.bincount(truth * k + predicted, minlength=k * k).reshape(k, k)
    return ProbeResult(
        provider=provider,
        provider_note=note,
        converged=converged,
        samples=len(samples),
        timing=timing,
        classes=classes,
        chance=chance,
        accuracy=accuracy,
        balanced_accuracy=float(np.mean(recall)),
        p_value=p_value,
        confusion=confusion,
        truth=truth,
        proba=proba,
        sources=[s.path or s.source for s in samples],
        shortcuts=shortcuts,
    )


def _inputs(ctx: Context, limit: int) -> tuple[list, np.ndarray, dict[str, np.ndarray]]:
    """Samples with a class label and a thumbnail, their 32×32 RGB pictures, and the
    trivial properties of their files; a stratified subsample beyond `limit`."""
    dataset = ctx.dataset
    chosen, pictures, rows, pictured = [], [], [], []
    for sample in dataset.samples:
        facts = ctx.facts_of(sample)
        if facts is None or not facts.thumbnail or not is_class(sample.label):
            continue
        chosen.append(sample)
        pictures.append(np.frombuffer(facts.thumbnail, dtype=np.uint8))
        rows.append(_properties(facts))
        pictured.append(set(PICTURE_PROPERTIES) <= set(KINDS[facts.kind].probe_properties))
    arrays = _stacked_pictures(ctx)
    for sample, picture in arrays:
        chosen.append(sample)
        pictures.append(picture)
        rows.append({})
        pictured.append(True)  # a stacked array's row is drawn as a picture
    if not chosen:
        return [], np.zeros((0, 32, 32, 3), np.uint8), {}
    keep = stratified_subsample([s.label for s in chosen], limit)
    chosen = [chosen[i] for i in keep]
    stacked = np.stack([pictures[i] for i in keep]).reshape(len(keep), 32, 32, 3)
    names = sorted({name for i in keep for name in rows[i]})
    properties = {
        name: np.array([rows[i].get(name, np.nan) for i in keep], dtype=float) for name in names
    }
    drawn = np.array([pictured[i] for i in keep])  # a recording's picture is a spectrogram
    for name, values in _picture_properties(stacked).items():
        if drawn.any():
            properties[name] = np.where(drawn, values, np.nan)
    return chosen, stacked, dict(sorted(properties.items()))


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
    grey = pictures.mean(axis=3)
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


def _features(
    pictures: np.ndarray,
    keys: list[bytes],
    model: bytes,
    settings: ProbeSettings,
    cache: FactsCache | None,
    timing: Timing,
) -> tuple[np.ndarray, str, str | None]:
    """Each picture's features, the provider that computed them (or "cache") and why
    CUDA was not used where onnxruntime listed it. Features are kept in the cache by
    picture and model (`keys`), so a re-run computes only those of new pictures."""
    import onnxruntime as ort

    providers = choose_providers(settings.device, ort.get_available_providers())
    found = cache.features(keys) if cache else {}
    missing = [i for i, key in enumerate(keys) if key not in found]
    timing.from_cache, timing.computed = len(keys) - len(missing), len(missing)
    provider, note = "cache", None
    if missing or settings.device == "cuda":
        session, provider, note = _session(ort, model, providers, settings.device)
        started = time.perf_counter()
        computed = _run(session, pictures[missing], settings.progress)
        timing.features = time.perf_counter() - started
        found.update(zip((keys[i] for i in missing), computed, strict=True))
        if cache:
            cache.put_features((keys[i], found[keys[i]]) for i in missing)
    return np.stack([found[key] for key in keys]), provider, note


def _feature_keys(pictures: np.ndarray, model: bytes) -> list[bytes]:
    model_id = xxhash.xxh3_128_digest(model)
    return [xxhash.xxh3_128_digest(model_id + picture.tobytes()) for picture in pictures]


def _fit_key(
    keys: list[bytes], truth: np.ndarray, properties: dict[str, np.ndarray], folds: int
) -> bytes:
    """A digest of everything the fit reads (features by their keys, labels, the
    trivial properties, folds) and of the code that fits."""
    from importlib.metadata import version

    code = f"{__version__} {FIT_VERSION} {version('scikit-learn')} {folds}"
    digest = xxhash.xxh3_128(code.encode())
    digest.update(b"".join(keys))
    digest.update(truth.astype(np.int64).tobytes())
    for name in sorted(properties):
        digest.update(name.encode() + properties[name].astype(np.float64).tobytes())
    return digest.digest()


def _fit(
    features: np.ndarray,
    truth: np.ndarray,
    properties: dict[str, np.ndarray],
    folds: int,
    standardise: bool = True,
) -> Fit:
    """Out-of-fold class probabilities, the shortcut properties' accuracies, and
    whether every fit converged."""
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings(record=True) as said:
        # The fits are many small products: BLAS threads only contend, and on a busy
        # two-core machine they made `--select S` six times slower (23 s against 4 s).
        # scikit-learn's warnings are caught: what they say goes into the report.
        warnings.simplefilter("always")
        proba = _out_of_fold(features, truth, folds, standardise)
        shortcuts = _shortcuts(properties, truth, folds)
    converged = not any(w.category.__name__ == "ConvergenceWarning" for w in said)
    return Fit(proba, shortcuts, converged)


def _session(ort, model: bytes, providers: list[str], device: str) -> tuple:
    """An inference session, its first provider, and why CUDA was not used where it
    was asked for or listed (onnxruntime falls back to the CPU with a log line)."""
    missing = _preload_cuda(ort) if CUDA in providers else []
    ort.set_default_logger_severity(4)  # what its errors say is the report's to give
    options = ort.SessionOptions()
    options.log_severity_level = 4
    try:
        session = ort.InferenceSession(model, options, providers=providers)
    except Exception as exc:
        raise DslintError(f"the probe model cannot be loaded: {exc}") from None
    provider = session.get_providers()[0]
    note = None
    if CUDA in providers and provider != CUDA:
        why = (
            f"{', '.join(missing)} did not load"
            if missing
            else "its CUDA or cuDNN libraries did not load, or no GPU is visible"
        )
        note = f"onnxruntime lists the CUDAExecutionProvider but could not start it: {why}"
        if device == "cuda":
            raise DslintError(f"--device cuda: {note}")
    return session, provider, note


def _preload_cuda(ort) -> list[str]:
    """Load cuDNN and cuBLAS where they are installed as Python packages, and name the
    libraries that did not load. onnxruntime prints its reasons on stdout, where they
    would corrupt a JSON or SARIF report: they are caught and named in the report."""
    if not hasattr(ort, "preload_dlls"):
        return []
    said = io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        ort.preload_dlls()
    failed = re.findall(r"^Failed to load (\S+?):", said.getvalue(), re.MULTILINE)
    return list(dict.fromkeys(failed))


def _run(
    session, pictures: np.ndarray, progress: Callable[[int, str], Callable[[int], None]] | None
) -> list[np.ndarray]:
    """The features of `pictures`, batch by batch (memory stays flat)."""
    shape, name = session.get_inputs()[0].shape, session.get_inputs()[0].name
    tick = progress(len(pictures), "probe features") if progress and len(pictures) else None
    found = []
    for start in range(0, len(pictures), BATCH):
        batch = _preprocess(pictures[start : start + BATCH], shape)
        found.extend(session.run(None, {name: batch})[0].reshape(len(batch), -1))
        if tick:
            tick(len(batch))
    return found


def _preprocess(pictures: np.ndarray, shape: list) -> np.ndarray:
    """32×32 RGB uint8 pictures → the model's input: NCHW or NHWC, its size, scaled to
    [0, 1] and standardised per channel."""
    from PIL import Image

    dims = [d if isinstance(d, int) else None for d in shape]
    channels_last = len(dims) == 4 and dims[-1] in (1, 3)
    height, width = (dims[1:3] if channels_last else dims[2:4]) if len(dims) == 4 else (32, 32)
    height, width = height or 32, width or 32
    if (height, width) != (32, 32):
        pictures = np.stack(
            [np.asarray(Image.fromarray(p).resize((width, height))) for p in pictures]
        )
    values = pictures.astype(np.float32) / 255
    # each picture standardised on its own: brightness and colour casts are S004's
    # business; what the probe asks is whether the patterns differ
    values = (values - values.mean(axis=(1, 2, 3), keepdims=True)) / (
        values.std(axis=(1, 2, 3), keepdims=True) + 1e-6
    )
    wanted = dims[-1] if channels_last else (dims[1] if len(dims) == 4 else 3)
    if wanted == 1:
        values = values.mean(axis=3, keepdims=True)
    return np.ascontiguousarray(values if channels_last else values.transpose(0, 3, 1, 2))


def _out_of_fold(
    features: np.ndarray, truth: np.ndarray, folds: int, standardise: bool
) -> np.ndarray:
    """Out-of-fold probabilities of a logistic regression; the network's features are
    standardised, a table's or text's come scaled (standardising hashed words would
    blow a rare word up to the weight of a common one)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    steps = [StandardScaler()] if standardise else []
    model = make_pipeline(*steps, LogisticRegression(max_iter=300, C=0.5))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    return cross_val_predict(model, features, truth, cv=splitter, method="predict_proba")


def _shortcuts(
    properties: dict[str, np.ndarray], truth: np.ndarray, folds: int
) -> dict[str, float]:
    """Out-of-fold accuracy of a depth-3 tree on each trivial property alone."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.tree import DecisionTreeClassifier

    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    found = {}
    for name, values in properties.items():
        if np.isnan(values).any() or np.ptp(values) == 0:
            continue
        predicted = cross_val_predict(
            DecisionTreeClassifier(max_depth=3, random_state=0), values[:, None], truth, cv=splitter
        )
        found[name] = float((predicted == truth).mean())
    return found
