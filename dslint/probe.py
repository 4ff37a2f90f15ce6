"""The separability probe: can these classes be told apart at all from these inputs?

Every labelled sample's 32×32 thumbnail (from the scan: images, log-mel spectrograms,
arrays) goes through a small random-weight convolutional network (`probe_model`) on
onnxruntime, the CUDA execution provider when present. A logistic regression on the
features is scored out-of-fold (stratified k-fold), against the majority rate, with a
one-sided binomial test. A second, tiny probe (depth-3 trees, one property at a time)
asks whether trivial properties of the files give the label away.
"""

from __future__ import annotations

import math
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from dslint.dataset import Label, is_class, sort_labels
from dslint.errors import DslintError
from dslint.extras import install_hint
from dslint.rule import Context

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


@dataclass
class ProbeResult:
    provider: str
    samples: int
    seconds: float
    features_per_second: float
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

    def verdict(self) -> dict:
        """The deterministic part of the summary, for findings' evidence."""
        return {
            k: v
            for k, v in self.summary().items()
            if k not in ("seconds", "features_per_second", "provider", "confusion")
        }

    def summary(self) -> dict:
        return {
            "provider": self.provider,
            "samples": self.samples,
            "classes": [str(c) for c in self.classes],
            "confusion": self.confusion.tolist(),
            "seconds": round(self.seconds, 3),
            "features_per_second": round(self.features_per_second, 1),
            "accuracy": round(self.accuracy, 4),
            "balanced_accuracy": round(self.balanced_accuracy, 4),
            "chance": round(self.chance, 4),
            "p_value": float(f"{self.p_value:.3g}"),
        }


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


def probe_result(ctx: Context) -> ProbeResult | None:
    """The probe's result for the check, or None when it cannot or should not run."""
    settings = ctx.probe
    if settings is None or not settings.enabled:
        return None
    samples, pictures, properties = _inputs(ctx, settings.max_samples)
    classes = sort_labels({s.label for s in samples})
    if len(classes) < 2:
        return None
    index = {c: i for i, c in enumerate(classes)}
    truth = np.array([index[s.label] for s in samples])
    counts = np.bincount(truth, minlength=len(classes))
    if counts.min() < MIN_PER_CLASS:
        return None  # too few samples for any verdict
    started = time.perf_counter()
    features, provider, rate = _features(pictures, settings)
    with threadpool_limits(limits=1, user_api="blas"):
        # The fits are many small products: BLAS threads only contend, and on a busy
        # two-core machine they made `--select S` six times slower (23 s against 4 s).
        proba = _out_of_fold(features, truth, int(min(5, counts.min())))
        shortcuts = _shortcuts(properties, truth, int(min(5, counts.min())))
    predicted = proba.argmax(axis=1)
    accuracy = float((predicted == truth).mean())
    recall = [float((predicted[truth == k] == k).mean()) for k in range(len(classes))]
    chance = float(counts.max() / counts.sum())
    from scipy.special import bdtrc

    right = int((predicted == truth).sum())
    p_value = float(bdtrc(right - 1, len(truth), chance)) if right else 1.0
    from sklearn.metrics import confusion_matrix

    return ProbeResult(
        provider=provider,
        samples=len(samples),
        seconds=time.perf_counter() - started,
        features_per_second=rate,
        classes=classes,
        chance=chance,
        accuracy=accuracy,
        balanced_accuracy=float(np.mean(recall)),
        p_value=p_value,
        confusion=confusion_matrix(truth, predicted, labels=range(len(classes))),
        truth=truth,
        proba=proba,
        sources=[s.path or s.source for s in samples],
        shortcuts=shortcuts,
    )


def _inputs(ctx: Context, limit: int) -> tuple[list, np.ndarray, dict[str, np.ndarray]]:
    """Samples with a class label and a thumbnail, their 32×32 RGB pictures, and the
    trivial properties of their files; a stratified subsample beyond `limit`."""
    dataset = ctx.dataset
    chosen, pictures, rows = [], [], []
    for sample in dataset.samples:
        facts = ctx.facts_of(sample)
        if facts is None or not facts.thumbnail or not is_class(sample.label):
            continue
        chosen.append(sample)
        pictures.append(np.frombuffer(facts.thumbnail, dtype=np.uint8))
        rows.append(_properties(facts, pictures[-1]))
    arrays = _stacked_pictures(ctx)
    for sample, picture in arrays:
        chosen.append(sample)
        pictures.append(picture)
        rows.append(_properties(None, picture))
    if not chosen:
        return [], np.zeros((0, 32, 32, 3), np.uint8), {}
    keep = _subsample([s.label for s in chosen], limit)
    chosen = [chosen[i] for i in keep]
    stacked = np.stack([pictures[i] for i in keep]).reshape(len(keep), 32, 32, 3)
    names = sorted({name for i in keep for name in rows[i]})
    properties = {
        name: np.array([rows[i].get(name, np.nan) for i in keep], dtype=float) for name in names
    }
    return chosen, stacked, properties


def _stacked_pictures(ctx: Context) -> list[tuple]:
    """Pictures of the rows of the NumPy layout's x arrays (read here, memory-mapped)."""
    from dslint.decode import thumbnail_of_array

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


def _properties(facts, picture: np.ndarray) -> dict[str, float]:
    """What a model could read a label from without looking at the content."""
    if facts is not None and facts.kind == "audio":
        # a recording's picture is its spectrogram: its "brightness" is the loudness
        found = {"loudness (RMS)": 20 * math.log10(max(facts.rms or 0.0, 1e-9))}
    else:
        grey = picture.reshape(32, 32, 3).mean(axis=2)
        border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
        found = {"mean brightness": float(grey.mean()), "border brightness": float(border.mean())}
    if facts is None:
        return found
    found["file size"] = math.log1p(facts.size)
    found["format"] = float(zlib.crc32(facts.format.encode()) % 1000) if facts.format else np.nan
    if facts.width:
        found.update(
            {
                "width": facts.width,
                "height": facts.height,
                "aspect ratio": facts.width / max(1, facts.height),
                "channels": facts.channels or 0,
            }
        )
    if facts.sample_rate:
        found.update(
            {
                "duration": facts.duration,
                "sample rate": facts.sample_rate,
                "channels": facts.channels or 0,
            }
        )
    return found


def _subsample(labels: list, limit: int) -> list[int]:
    if len(labels) <= limit:
        return list(range(len(labels)))
    rng = np.random.default_rng(0)
    by_label: dict = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    keep = []
    for members in by_label.values():
        share = max(2, round(limit * len(members) / len(labels)))
        keep.extend(rng.choice(members, size=min(share, len(members)), replace=False).tolist())
    return sorted(keep)


def _features(pictures: np.ndarray, settings: ProbeSettings) -> tuple[np.ndarray, str, float]:
    import onnxruntime as ort

    from dslint.probe_model import probe_model

    available = ort.get_available_providers()
    providers = choose_providers(settings.device, available)
    if CUDA in providers and hasattr(ort, "preload_dlls"):
        ort.preload_dlls()  # find cuDNN and cuBLAS installed as Python packages
    options = ort.SessionOptions()
    options.log_severity_level = 3
    model = settings.model.read_bytes() if settings.model else probe_model()
    try:
        session = ort.InferenceSession(model, options, providers=providers)
    except Exception as exc:
        raise DslintError(f"the probe model cannot be loaded: {exc}") from None
    shape, name = session.get_inputs()[0].shape, session.get_inputs()[0].name
    started = time.perf_counter()
    outputs = []
    for start in range(0, len(pictures), BATCH):  # batch by batch: memory stays flat
        batch = _preprocess(pictures[start : start + BATCH], shape)
        outputs.append(session.run(None, {name: batch})[0].reshape(len(batch), -1))
    seconds = time.perf_counter() - started
    rate = len(pictures) / max(seconds, 1e-9)
    return np.concatenate(outputs), session.get_providers()[0], rate


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


def _out_of_fold(features: np.ndarray, truth: np.ndarray, folds: int) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300, C=0.5))
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
