"""The separability probe: provider choice, the verdicts on its fixtures, a user's own
ONNX encoder, and the report of what ran where."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnxruntime
import pytest

import dslint
from dslint.analysis.probe_compute import (
    CPU,
    CUDA,
    Layout,
    _batch_size,
    _layout,
    _preprocess,
    choose_providers,
)
from dslint.errors import DslintError
from dslint.rules.suspect_label import self_confidence
from fixtures.generate import heart_sound, write_wav
from tests.conftest import FIXTURES, REPO
from tests.helpers import run_cli

PLANTED = FIXTURES / "S005-suspect-label/fail-planted-mislabels/data"
IDENTICAL = FIXTURES / "S001-not-separable/fail-identical-shapes/data"


@pytest.mark.parametrize(
    ("device", "available", "chosen"),
    [
        ("auto", [CPU], [CPU]),
        ("auto", ["TensorrtExecutionProvider", CUDA, CPU], [CUDA, CPU]),
        ("cpu", [CUDA, CPU], [CPU]),
        ("cuda", [CUDA, CPU], [CUDA, CPU]),
    ],
)
def test_provider_choice(device: str, available: list[str], chosen: list[str]) -> None:
    assert choose_providers(device, available) == chosen


def test_asking_for_cuda_without_it_is_a_one_line_error() -> None:
    with pytest.raises(DslintError, match="no CUDAExecutionProvider"):
        choose_providers("cuda", [CPU])


@pytest.mark.skipif(CUDA in onnxruntime.get_available_providers(), reason="CUDA is listed here")
def test_the_cli_asking_for_cuda_without_it_says_so_in_one_line() -> None:
    result = run_cli("check", IDENTICAL, "--no-cache", "--device", "cuda", probe=True)
    assert result.returncode == 2
    assert result.stderr.startswith("dslint: error: --device cuda: this onnxruntime has no")


def test_identical_shapes_predict_stagnation_at_chance_and_ln_k() -> None:
    report = dslint.check(IDENTICAL, use_cache=False, select=["S"])
    (finding,) = report.findings
    assert finding.rule_id == "S001"
    assert "stagnate at accuracy 0.250 with loss near ln 4 = 1.386" in finding.message
    probe = report.datasets[0].probe
    assert probe["provider"] == CPU and probe["samples"] == 160


def test_planted_mislabels_come_first() -> None:
    (finding,) = dslint.check(PLANTED, use_cache=False, select=["S005"]).findings
    assert finding.paths == (
        "train/circle/planted0.png",
        "train/circle/planted1.png",
        "train/circle/planted2.png",
    )  # 3 of the 5 planted, no others
    assert "planted0.png looks like 'square' (p = 1.00 against 0.00 for 'circle')" in (
        finding.message
    )


def test_a_suspect_must_beat_its_new_class_s_own_self_confidence() -> None:
    """Confident learning: class 1's samples average p = 0.6 of class 1, so a class-0
    sample at 0.6 of class 1 is as sure as the probe ever is of class 1."""
    proba = np.array([[0.9, 0.1], [0.8, 0.2], [0.4, 0.6], [0.3, 0.7], [0.5, 0.5]])
    truth = np.array([0, 0, 0, 1, 1])
    assert self_confidence(proba, truth, 1) == pytest.approx(0.6)
    assert self_confidence(proba, truth, 0) == pytest.approx(0.7)


def test_suspects_need_a_probe_that_is_right_often_enough(tmp_path: Path) -> None:
    """The planted fixture's probe is 0.905 of the way from chance to perfect (its own
    mislabels cost it the rest): asking for more than that silences S005."""
    probe = dslint.check(PLANTED, use_cache=False, select=["S005"]).datasets[0].probe
    assert (probe["balanced_accuracy"] - 0.5) / 0.5 == pytest.approx(0.905, abs=0.005)
    config = tmp_path / "dslint.toml"
    config.write_text("[rules.S005]\nmin-margin = 0.92\n")
    assert not dslint.check(PLANTED, use_cache=False, select=["S005"], config=config).findings


def test_the_report_s_probe_section_does_not_depend_on_which_rules_ran() -> None:
    """The probe is part of the dataset's summary: selecting only a label rule still
    reports it, with the same figures as a full check."""
    alone = dslint.check(IDENTICAL, use_cache=False, select="L001").datasets[0].probe
    full = dslint.check(IDENTICAL, use_cache=False).datasets[0].probe
    assert alone is not None
    assert alone["confusion"] == full["confusion"]


def test_no_probe_skips_it_and_the_report_says_what_ran() -> None:
    assert dslint.check(IDENTICAL, use_cache=False, probe=False).datasets[0].probe is None
    report = json.loads(
        run_cli("check", IDENTICAL, "--no-cache", "--format", "json", probe=True).stdout
    )
    probe = report["datasets"][0]["probe"]
    assert np.array(probe["confusion"]).sum() == 160
    assert set(probe) == {
        "provider",
        "provider_note",
        "samples",
        "labelled",
        "classes",
        "confusion",
        "seconds",
        "import_seconds",
        "features_seconds",
        "features_computed",
        "features_from_cache",
        "features_per_second",
        "fit_seconds",
        "fit_from_cache",
        "beside_the_rules",
        "fit_converged",
        "accuracy",
        "balanced_accuracy",
        "chance",
        "p_value",
    }
    text = run_cli("check", IDENTICAL, "--no-cache", probe=True).stdout
    assert "probe: 160 samples, out-of-fold accuracy" in text


def _user_encoder(path: Path, ir_version: int) -> Path:
    """An ONNX image encoder as a user exports one: NHWC input, 16×16, a flat projection."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    weights = np.random.default_rng(1).normal(size=(16 * 16 * 3, 8)).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("Flatten", ["pixels"], ["flat"], axis=1),
            helper.make_node("MatMul", ["flat", "w"], ["embedding"]),
        ],
        "user-encoder",
        [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["N", 16, 16, 3])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["N", 8])],
        [numpy_helper.from_array(weights, "w")],
    )
    opset = [helper.make_opsetid("", 13)]
    path.write_bytes(
        helper.make_model(graph, opset_imports=opset, ir_version=ir_version).SerializeToString()
    )
    if ir_version < 99:
        onnx.checker.check_model(str(path))
    return path


def test_a_users_onnx_encoder_with_channels_last_input(tmp_path: Path) -> None:
    """Any ONNX image model with one input: its input shape decides the preprocessing.
    IR version 9: every onnxruntime dslint supports reads it (a newer onnx saves a
    version that an older onnxruntime refuses)."""
    model = _user_encoder(tmp_path / "encoder.onnx", ir_version=9)
    report = dslint.check(IDENTICAL, use_cache=False, select=["S001"], probe_model=model)
    assert [f.rule_id for f in report.findings] == ["S001"]
    assert report.datasets[0].probe["samples"] == 160


def test_a_large_input_is_fed_in_batches_of_about_16_mb() -> None:
    """A 224×224 encoder's batch of 512 held 3.3 GB of activations after one
    convolution; 27 pictures are 16 MB of input."""
    assert _batch_size(_layout(["N", 3, 224, 224])) == 27
    assert _batch_size(_layout(["N", 3, 32, 32])) == 512
    assert _layout(["batch", 64, 48, 1]) == Layout(True, 64, 48, 1)
    assert _layout(["N", 3, "height", "width"]) == Layout(False, 32, 32, 3)
    pictures = np.zeros((5, 32, 32, 3), np.uint8)
    assert _preprocess(pictures, _layout(["N", 1, 40, 48])).shape == (5, 1, 40, 48)


def test_a_model_saved_for_a_newer_onnxruntime_says_what_to_do(tmp_path: Path) -> None:
    model = _user_encoder(tmp_path / "encoder.onnx", ir_version=99)
    result = run_cli("check", IDENTICAL, "--no-cache", "--probe-model", model, probe=True)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert re.match(
        r"dslint: error: the probe model cannot be loaded: it is saved in ONNX IR version 99, "
        r"and onnxruntime [\d.]+ reads up to (\d+): upgrade onnxruntime, or save the model "
        r"with IR version \1 \(onnx\.helper\.make_model\(\.\.\., ir_version=\1\)\)$",
        result.stderr,
    ), result.stderr


def test_a_broken_probe_model_is_a_one_line_error(tmp_path: Path) -> None:
    model = tmp_path / "broken.onnx"
    model.write_bytes(b"not onnx")
    result = run_cli("check", IDENTICAL, "--no-cache", "--probe-model", model, probe=True)
    assert result.returncode == 2
    assert result.stderr.startswith("dslint: error: the probe model cannot be loaded")


def _heart_set(root: Path, gains: dict[str, float]) -> Path:
    seed = 0
    for split, count in (("train", 12), ("val", 4)):
        for label, gain in gains.items():
            for i in range(count):
                seed += 1
                write_wav(root / split / label / f"{i}.wav", gain * heart_sound(seed, 2000, 2.0))
    return root


def test_a_class_recorded_quieter_is_a_loudness_shortcut_and_a_murmur_is_not(
    tmp_path: Path,
) -> None:
    """For recordings the trivial property is loudness: one class recorded at a third
    of the level is S004 (the model can learn the gain); the picture's brightness, a
    property of the spectrogram's content, is not asked of audio."""
    quieter = _heart_set(tmp_path / "gain", {"normal": 1.0, "abnormal": 0.3})
    report = dslint.check(quieter, use_cache=False, select=["S004"])
    assert [f.evidence["property"] for f in report.findings] == ["loudness (RMS)"]
    murmurs = FIXTURES / "A001-sample-rate-mismatch/pass-one-rate/data"
    assert not dslint.check(murmurs, use_cache=False, select=["S004"]).findings


def test_the_shipped_probe_model_is_what_the_builder_makes() -> None:
    from dslint.analysis.probe_model import build_probe_model, probe_model

    assert probe_model() == build_probe_model(), "rebuild it: python -m dslint.analysis.probe_model"


def test_the_oldest_supported_onnxruntime_loads_the_shipped_model(tmp_path: Path) -> None:
    """The floor in pyproject.toml, installed apart (pip, its CPU build), loads the
    model and computes the features the installed onnxruntime computes."""
    import onnxruntime

    from dslint.analysis.probe_model import SHIPPED
    from dslint.gate.config import tomllib

    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    (floor,) = [d.split(">=")[1] for d in dependencies if d.startswith("onnxruntime>=")]
    site = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", site]
    install = subprocess.run(
        [*pip, f"onnxruntime=={floor}.*"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr
    features = (
        "import sys, numpy as np, onnxruntime as ort; "
        f"s = ort.InferenceSession({str(REPO / 'dslint' / 'analysis' / SHIPPED)!r}, "
        "providers=['CPUExecutionProvider']); "
        "x = np.random.default_rng(0).random((8, 3, 32, 32), dtype=np.float32); "
        "print(ort.__version__); np.save(sys.argv[1], s.run(None, {'input': x})[0])"
    )
    oldest = subprocess.run(
        [sys.executable, "-c", features, tmp_path / "oldest.npy"],
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
    )
    assert oldest.returncode == 0, oldest.stderr
    assert oldest.stdout.startswith(f"{floor}.")
    newest = subprocess.run(
        [sys.executable, "-c", features, tmp_path / "newest.npy"], capture_output=True, text=True
    )
    assert newest.stdout.strip() == onnxruntime.__version__
    np.testing.assert_allclose(
        np.load(tmp_path / "oldest.npy"), np.load(tmp_path / "newest.npy"), rtol=1e-5
    )


def test_a_rerun_reads_the_probe_features_from_the_cache_and_says_so(tmp_path: Path) -> None:
    args = ("check", IDENTICAL, "--cache-dir", tmp_path, "--format", "json")
    first = json.loads(run_cli(*args, probe=True).stdout)
    # other rules, so that the check runs (an unchanged check replays: test_replay)
    again = run_cli(*args, "--ignore", "F002", probe=True)
    assert again.stderr == ""  # no library warning or log line reaches the terminal
    second = json.loads(again.stdout)
    before, after = first["datasets"][0]["probe"], second["datasets"][0]["probe"]
    assert (before["features_computed"], before["features_from_cache"]) == (160, 0)
    assert (after["features_computed"], after["features_from_cache"]) == (0, 160)
    assert after["provider"] == "cache" and after["fit_from_cache"]
    assert after["features_seconds"] == after["fit_seconds"] == after["import_seconds"] == 0
    assert second["findings"] == first["findings"] and second["scan"]["replayed"] == 0
    text = run_cli("check", IDENTICAL, "--cache-dir", tmp_path, probe=True).stdout
    assert "features and fit from the cache (160): nothing the probe reads changed" in text


def test_features_of_another_probe_model_are_not_taken_from_the_cache(tmp_path: Path) -> None:
    from dslint.analysis.probe_model import probe_model

    other = tmp_path / "other.onnx"
    other.write_bytes(probe_model())  # the same network under another name: same key
    base = ("check", IDENTICAL, "--cache-dir", tmp_path / "cache", "--format", "json")
    json.loads(run_cli(*base, probe=True).stdout)
    same = json.loads(run_cli(*base, "--probe-model", other, probe=True).stdout)
    assert same["datasets"][0]["probe"]["features_from_cache"] == 160
    changed = bytearray(probe_model())
    changed[-200] ^= 1  # one weight's bit: another model
    other.write_bytes(bytes(changed))
    fresh = json.loads(run_cli(*base, "--probe-model", other, probe=True).stdout)
    assert fresh["datasets"][0]["probe"]["features_computed"] == 160


def test_a_changed_label_refits_from_cached_features(tmp_path: Path) -> None:
    data = shutil.copytree(IDENTICAL, tmp_path / "data")
    args = ("check", data, "--cache-dir", tmp_path / "cache", "--format", "json")
    run_cli(*args, probe=True)
    moved = sorted((data / "train").iterdir())[0]
    source = next(moved.iterdir())
    target = sorted((data / "train").iterdir())[1] / f"moved-{source.name}"
    source.rename(target)  # the same picture, now labelled as another class
    probe = json.loads(run_cli(*args, probe=True).stdout)["datasets"][0]["probe"]
    assert not probe["fit_from_cache"]
    assert (probe["features_computed"], probe["features_from_cache"]) == (0, 160)


WORTH_CUDA = """
import json, sys
import dslint, dslint.analysis.probe_compute as compute
compute.CUDA_START, compute.BATCH = 0.0, 100
print(json.dumps(dslint.check(sys.argv[1], use_cache=False, select=["S"]).datasets[0].probe))
"""


@pytest.mark.skipif(
    shutil.which("nvidia-smi") is not None, reason="a GPU is here: CUDA would start"
)
def test_the_gpu_build_without_a_gpu_runs_on_the_cpu_and_says_why(tmp_path: Path) -> None:
    """onnxruntime-gpu installed as the README says (it replaces the CPU build: here it
    is put first on the path), on a machine with no GPU and no CUDA libraries. `auto`
    starts CUDA only for features that would take the CPU 2 s or more; a second run
    lowers that to 0 s (and the batches to 100 pictures) in its own process, to reach
    the attempt and its fallback."""
    from tests.helpers import class_folders

    site = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", site]
    install = subprocess.run([*pip, "onnxruntime-gpu"], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    env = {"PYTHONPATH": str(site)}
    args = ("check", IDENTICAL, "--no-cache", "--format", "json")
    auto = run_cli(*args, env=env, probe=True)
    assert auto.returncode == 1 and auto.stderr == ""  # nothing printed beside the report
    probe = json.loads(auto.stdout)["datasets"][0]["probe"]
    assert probe["provider"] == CPU
    assert re.fullmatch(
        r"CUDA not started: the CPU computes these features in about 0\.\d s, under the 2 s "
        r"from which CUDA pays off \(--device cuda starts it\)",
        probe["provider_note"],
    )
    data = class_folders(tmp_path / "data", {"train": {"a": 150, "b": 150}})
    worth_it = subprocess.run(
        [sys.executable, "-c", WORTH_CUDA, str(data)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    probe = json.loads(worth_it.stdout)
    assert (probe["provider"], probe["samples"]) == (CPU, 300)
    assert probe["provider_note"].startswith(
        "onnxruntime lists the CUDAExecutionProvider but could not start it: "
    )
    cuda = run_cli(*args, "--device", "cuda", env=env, probe=True)
    assert cuda.returncode == 2 and cuda.stdout == ""
    assert cuda.stderr.startswith("dslint: error: --device cuda: onnxruntime lists the CUDA")
    assert cuda.stderr.count("\n") == 1


def test_a_dataset_too_small_to_probe_is_told_why_in_every_report(tmp_path: Path) -> None:
    from tests.helpers import class_folders

    data = class_folders(tmp_path / "data", {"train": {"cat": 12, "dog": 5, "fox": 3}})
    why = (
        "2 classes have fewer than 8 labelled samples ('dog', 'fox'); it needs 8 of each to fit "
        "and test in folds"
    )
    report = dslint.check(data, use_cache=False)
    (summary,) = report.datasets
    assert (summary.probe, summary.probe_skipped) == (None, why)
    assert json.loads(report.to_json())["datasets"][0]["probe_skipped"] == why
    text = run_cli("check", data, "--no-cache", probe=True).stdout
    assert f"probe: not run: {why}\n" in text
    html = run_cli("check", data, "--no-cache", "--format", "html", probe=True).stdout
    assert f"Not run: {why.replace(chr(39), '&#x27;')}." in html


def test_a_dataset_of_one_class_is_not_probed_and_says_so(tmp_path: Path) -> None:
    from tests.helpers import class_folders

    data = class_folders(tmp_path / "data", {"train": {"cat": 12}})
    (summary,) = dslint.check(data, use_cache=False).datasets
    assert summary.probe_skipped == "one class ('cat'); it tells classes apart"
    (unprobed,) = dslint.check(data, use_cache=False, probe=False).datasets
    assert unprobed.probe_skipped is None  # not run because it was not asked for


def test_the_stratified_subsample_holds_exactly_the_samples_asked_for() -> None:
    from collections import Counter

    from dslint.analysis.sampling import stratified_subsample

    # FER-2013's seven classes as a public repository ships them (32,756 pictures)
    sizes = {0: 4_534, 1: 504, 2: 4_656, 3: 8_206, 4: 5_557, 5: 3_650, 6: 5_649}
    labels = [label for label, size in sizes.items() for _ in range(size)]
    chosen = stratified_subsample(labels, 4_000)
    assert len(chosen) == 4_000 and chosen == sorted(set(chosen))
    kept = Counter(labels[i] for i in chosen)
    assert all(abs(kept[c] - 4_000 * n / len(labels)) < 1 for c, n in sizes.items())
    rare = ["a"] * 999 + ["b"]
    assert Counter(rare[i] for i in stratified_subsample(rare, 100)) == {
        "a": 100,
        "b": 1,  # two at least, of which there is one: past the hundred asked for
    }
