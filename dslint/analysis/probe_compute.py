"""The probe's computation, arrays in and out: the network's features on onnxruntime
(the CUDA execution provider when asked for or offered), then the out-of-fold fit
(`fit`, in NumPy). Whether it runs in the check's process or the helper's, the inputs
come as a `Work` and the results go back as a `Done`."""

from __future__ import annotations

import contextlib
import io
import re
import time
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from threadpoolctl import threadpool_limits

from dslint.analysis.fit import logistic_out_of_fold, tree_out_of_fold_accuracy
from dslint.errors import DslintError
from dslint.extras import install_hint

BATCH = 512  # pictures per onnxruntime call, preprocessed one batch at a time
CPU = "CPUExecutionProvider"
CUDA = "CUDAExecutionProvider"
C = 0.5  # the logistic regression's inverse regularisation strength


class Fit(NamedTuple):
    proba: np.ndarray  # out-of-fold class probabilities, one row per sample
    shortcuts: dict[str, float]  # trivial property -> out-of-fold accuracy
    converged: bool


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


class Work(NamedTuple):
    """The probe's computation for pictures: the features the cache lacks, then the
    fit. Arrays and bytes only, so that it can run in a helper process beside the
    other rules (`probe_helper`)."""

    pictures: np.ndarray  # the probed pictures whose features the cache lacks
    known: np.ndarray | None  # features of the others, from the cache, in order
    missing: list[int]  # where the computed features go among all of them
    truth: np.ndarray
    properties: dict[str, np.ndarray]
    folds: int
    model: bytes
    device: str


class Done(NamedTuple):
    """What `compute` returns: the features it computed (in `Work.missing`'s order),
    the provider that computed them and why CUDA was not used, and the fit."""

    features: np.ndarray
    provider: str
    note: str | None
    features_seconds: float
    fit: Fit
    fit_seconds: float
    imports: float = 0.0  # seconds its process spent importing the libraries
    beside: bool = False  # computed in the helper process, beside the other rules


def compute(work: Work, tick: Callable[[int], None] | None = None) -> Done:
    """The features `work` lacks (counted off on `tick`), then the fit on all of them."""
    import onnxruntime as ort

    provider, note, seconds = "cache", None, 0.0
    computed = np.zeros((0, 0), np.float32)
    if work.missing or work.device == "cuda":
        providers = choose_providers(work.device, ort.get_available_providers())
        session, provider, note = _session(ort, work.model, providers, work.device)
        started = time.perf_counter()
        computed = _run(session, work.pictures, tick)
        seconds = time.perf_counter() - started
    features = _merged(work, computed)
    started = time.perf_counter()
    fit = fitted(features, work.truth, work.properties, work.folds)
    return Done(computed, provider, note, seconds, fit, time.perf_counter() - started)


def _merged(work: Work, computed: np.ndarray) -> np.ndarray:
    """All probed pictures' features, the computed ones put in their places."""
    if work.known is None:
        return computed
    if not work.missing:
        return work.known
    merged = np.empty((len(work.truth), work.known.shape[1]), np.float32)
    mask = np.zeros(len(work.truth), bool)
    mask[work.missing] = True
    merged[mask], merged[~mask] = computed, work.known
    return merged


def fitted(
    features: np.ndarray,
    truth: np.ndarray,
    properties: dict[str, np.ndarray],
    folds: int,
    standardise: bool = True,
) -> Fit:
    """Out-of-fold class probabilities of a logistic regression, the shortcut
    properties' accuracies (a depth-3 tree on each alone), and whether every fit
    converged. The network's features are standardised; a table's or text's come
    scaled (standardising hashed words would blow a rare word up to the weight of a
    common one)."""
    with threadpool_limits(limits=1, user_api="blas"):
        # The fits are many small products: BLAS threads only contend, and on a busy
        # two-core machine they made `--select S` six times slower (23 s against 4 s).
        proba, converged = logistic_out_of_fold(features, truth, folds, C, standardise)
        shortcuts = {
            name: tree_out_of_fold_accuracy(values, truth, folds)
            for name, values in properties.items()
            if not np.isnan(values).any() and np.ptp(values) > 0
        }
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


def _run(session, pictures: np.ndarray, tick: Callable[[int], None] | None) -> np.ndarray:
    """The features of `pictures`, batch by batch (memory stays flat), each batch
    counted off on `tick`."""
    shape, name = session.get_inputs()[0].shape, session.get_inputs()[0].name
    found = []
    for start in range(0, len(pictures), BATCH):
        batch = _preprocess(pictures[start : start + BATCH], shape)
        found.append(session.run(None, {name: batch})[0].reshape(len(batch), -1))
        if tick:
            tick(len(batch))
    return np.concatenate(found) if found else np.zeros((0, 0), np.float32)


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
