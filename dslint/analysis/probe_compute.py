"""The probe's computation, arrays in and out: the network's features on onnxruntime
(the CUDA execution provider when asked for or offered), then the out-of-fold fit
(`fit`, in NumPy). Whether it runs in the check's process or the helper's, the inputs
come as a `Work` and the results go back as a `Done`."""

from __future__ import annotations

import contextlib
import io
import re
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from typing import NamedTuple

import numpy as np
from threadpoolctl import threadpool_limits

from dslint.analysis.fit import logistic_out_of_fold, tree_out_of_fold_accuracy
from dslint.errors import DslintError
from dslint.extras import install_hint

BATCH = 512  # pictures per onnxruntime call at most
BATCH_BYTES = 16 << 20  # the input of one call at most (a 224×224 RGB input: 27 pictures)
AHEAD = 3  # batches prepared ahead, in threads, while the network runs one
CPU = "CPUExecutionProvider"
CUDA = "CUDAExecutionProvider"
C = 0.5  # the logistic regression's inverse regularisation strength
# Seconds of CPU work on the features from which `auto` starts CUDA: its start took
# 0.5-1.1 s on an H200 machine (a check's wall time with CUDA against without).
CUDA_START = 2.0
# cuDNN's heuristic choice of convolution algorithm, not its timed search of each: the
# search took 0.15-0.3 s more of CUDA's start there (the shipped model, fresh processes).
CUDA_OPTIONS = (CUDA, {"cudnn_conv_algo_search": "HEURISTIC"})


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
        started = time.perf_counter()  # the session's start counts: CUDA's is long
        if work.device == "auto" and providers[0] == CUDA:
            computed, provider, note = _cpu_first(ort, work, tick)
        else:
            session, provider, note = _session(ort, work.model, providers, work.device)
            computed = _run(session, work.pictures, tick)
        seconds = time.perf_counter() - started
    features = _merged(work, computed)
    started = time.perf_counter()
    fit = fitted(features, work.truth, work.properties, work.folds)
    return Done(computed, provider, note, seconds, fit, time.perf_counter() - started)


def _cpu_first(ort, work: Work, tick: Callable[[int], None] | None) -> tuple:
    """`--device auto` with CUDA listed: the first batches on the CPU, and the rest on
    CUDA only if the CPU would take longer than CUDA pays off. For the shipped model it
    never does at the default 4,000 pictures (measured on an H200 machine: the CPU's
    0.25 s against CUDA's 0.36 s plus its start); a user's larger encoder can take
    minutes on the CPU. The first batch warms the CPU up (its estimate for 20,000
    pictures was once 4 s, once 1.9 s): a second one confirms a switch."""
    session, provider, _ = _session(ort, work.model, [CPU], "cpu")
    size = _batch_size(_layout(session.get_inputs()[0].shape))
    done: list[np.ndarray] = []
    estimate = 0.0
    while len(done) < 2 and (not done or estimate >= CUDA_START):
        started = time.perf_counter()
        done.append(_run(session, work.pictures[len(done) * size :][:size], tick))
        seconds = time.perf_counter() - started
        estimate = seconds * len(work.pictures) / len(done[-1])
    rest = work.pictures[sum(map(len, done)) :]
    if len(rest) and estimate >= CUDA_START:
        session, provider, note = _session(ort, work.model, [CUDA, CPU], "auto")
        if provider == CUDA:
            note = (
                f"the first {sum(map(len, done)):,} on the CPU, "
                f"which would take {estimate:.0f} s for all"
            )
    else:
        note = (
            f"CUDA not started: the CPU computes these features in about {estimate:.1f} s, "
            f"under the {CUDA_START:.0f} s from which CUDA pays off (--device cuda starts it)"
        )
    if len(rest):
        done.append(_run(session, rest, tick))
    return np.concatenate(done), provider, note


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
        session = ort.InferenceSession(
            model, options, providers=[CUDA_OPTIONS if p == CUDA else p for p in providers]
        )
    except Exception as exc:
        raise DslintError(f"the probe model cannot be loaded: {_why(ort, exc)}") from None
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


def _why(ort, exc: Exception) -> str:
    """onnxruntime's reason, in the user's terms where it is a known one."""
    too_new = re.search(
        r"Unsupported model IR version: (\d+), max supported IR version: (\d+)", str(exc)
    )
    if too_new:
        saved, readable = too_new.groups()
        return (
            f"it is saved in ONNX IR version {saved}, and onnxruntime {ort.__version__} reads "
            f"up to {readable}: upgrade onnxruntime, or save the model with IR version "
            f"{readable} (onnx.helper.make_model(..., ir_version={readable}))"
        )
    return str(exc)


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
    """The features of `pictures`, batch by batch, each counted off on `tick`. Batches
    of about 16 MB of input keep memory flat whatever the model's input size, and
    threads prepare the next ones (resizing and scaling let go of the interpreter) while
    the network runs: for a 224×224 encoder on a GPU the preparation, not the network,
    took most of the time."""
    entry = session.get_inputs()[0]
    layout = _layout(entry.shape)
    size = _batch_size(layout)
    batches = (pictures[start : start + size] for start in range(0, len(pictures), size))
    found = []
    with ThreadPoolExecutor(AHEAD) as pool:
        ready = deque(pool.submit(_preprocess, b, layout) for b in islice(batches, AHEAD))
        while ready:
            batch = ready.popleft().result()
            ready.extend(pool.submit(_preprocess, b, layout) for b in islice(batches, 1))
            found.append(session.run(None, {entry.name: batch})[0].reshape(len(batch), -1))
            if tick:
                tick(len(batch))
    return np.concatenate(found) if found else np.zeros((0, 0), np.float32)


class Layout(NamedTuple):
    """The model's input: channels last (NHWC) or first (NCHW), size and channels."""

    channels_last: bool
    height: int
    width: int
    channels: int


def _layout(shape: list) -> Layout:
    """A model input's layout from its shape, unknown sizes read as 32×32 RGB."""
    dims = [d if isinstance(d, int) else None for d in shape]
    if len(dims) != 4:
        return Layout(False, 32, 32, 3)
    channels_last = dims[-1] in (1, 3)
    height, width = dims[1:3] if channels_last else dims[2:4]
    channels = dims[-1] if channels_last else dims[1]
    return Layout(channels_last, height or 32, width or 32, channels or 3)


def _batch_size(layout: Layout) -> int:
    """Pictures per onnxruntime call: BATCH, fewer for a large input."""
    picture = layout.height * layout.width * layout.channels * 4
    return max(1, min(BATCH, BATCH_BYTES // picture))


def _preprocess(pictures: np.ndarray, layout: Layout) -> np.ndarray:
    """32×32 RGB uint8 pictures → the model's input: its layout and size, each picture
    standardised on its own (brightness and colour casts are S004's business; what the
    probe asks is whether the patterns differ). The mean and spread come from the 32×32
    picture, so that a large input is made in one pass, pixel · a + b: a 224×224 batch
    took 1.5 s in plain array steps."""
    from PIL import Image

    flat = pictures.reshape(len(pictures), -1).astype(np.float32)
    # (x/255 - mean/255) / (spread/255 + 1e-6), as x · a + b
    scale = 1 / (flat.std(axis=1) + 255e-6)
    offset = -flat.mean(axis=1) * scale
    size = (layout.width, layout.height)
    if size != (32, 32):
        pictures = np.stack([np.asarray(Image.fromarray(p).resize(size)) for p in pictures])
    if layout.channels == 1:
        pictures = pictures.mean(axis=3, keepdims=True, dtype=np.float32)
    pixels = pictures if layout.channels_last else pictures.transpose(0, 3, 1, 2)
    values = np.empty(pixels.shape, np.float32)
    np.multiply(pixels, scale[:, None, None, None], out=values)
    values += offset[:, None, None, None]
    return values
