"""The probe's feature extractor: a small convolutional network with random weights,
built with the `onnx` package and run by onnxruntime.

Random convolutions are no trained encoder, but they keep what a trained one starts
from: local edges, blobs and textures at several scales. If a linear classifier on
these features cannot tell the classes apart, a network trained from scratch on the
same inputs has little to start from either. Fixed seed (0), He-initialised weights:

    input  N×3×32×32 (RGB thumbnails, or 3 copies of a grey image or spectrogram)
    conv 3×3, 32 filters, ReLU → global average and max pool      (64 features)
    max pool 2 → conv 3×3, 64 filters, ReLU → global avg and max  (128 features)
    max pool 2 → conv 3×3, 128 filters, ReLU → global avg and max (256 features)
    → 448 features per sample

The model ships built, as `probe.onnx` beside this module, so that running dslint
needs no `onnx` package; `python -m dslint.analysis.probe_model` rebuilds it (a test holds the
shipped bytes equal to a rebuild). It is written with IR version 7 and opset 13, the
oldest that express it, so that every onnxruntime dslint supports loads it: an
onnxruntime refuses a model of a newer IR version than its own ("Unsupported model IR
version: 14, max supported IR version: 10" from 1.19, 13 from 1.31).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import numpy as np

INPUT_SIZE = 32
WIDTHS = (32, 64, 128)
IR_VERSION = 7
OPSET = 13
SHIPPED = "probe.onnx"


@cache
def probe_model() -> bytes:
    """The shipped model's bytes."""
    return files(__package__).joinpath(SHIPPED).read_bytes()


def build_probe_model(seed: int = 0) -> bytes:
    """The serialised ONNX model, built anew (needs the `onnx` package)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    nodes, inits, pooled = [], [], []
    current, channels = "input", 3
    for stage, width in enumerate(WIDTHS):
        if stage:
            nodes.append(
                helper.make_node(
                    "MaxPool", [current], [f"down{stage}"], kernel_shape=[2, 2], strides=[2, 2]
                )
            )
            current = f"down{stage}"
        fan_in = channels * 9
        weight = rng.normal(0, np.sqrt(2 / fan_in), (width, channels, 3, 3)).astype(np.float32)
        bias = np.zeros(width, dtype=np.float32)
        inits += [
            numpy_helper.from_array(weight, f"w{stage}"),
            numpy_helper.from_array(bias, f"b{stage}"),
        ]
        nodes.append(
            helper.make_node(
                "Conv", [current, f"w{stage}", f"b{stage}"], [f"conv{stage}"], pads=[1, 1, 1, 1]
            )
        )
        nodes.append(helper.make_node("Relu", [f"conv{stage}"], [f"relu{stage}"]))
        for pool in ("GlobalAveragePool", "GlobalMaxPool"):
            name = f"{pool}{stage}"
            nodes.append(helper.make_node(pool, [f"relu{stage}"], [name]))
            nodes.append(helper.make_node("Flatten", [name], [f"flat_{name}"], axis=1))
            pooled.append(f"flat_{name}")
        current, channels = f"relu{stage}", width
    nodes.append(helper.make_node("Concat", pooled, ["features"], axis=1))
    graph = helper.make_graph(
        nodes,
        "dslint-probe",
        [
            helper.make_tensor_value_info(
                "input", TensorProto.FLOAT, ["N", 3, INPUT_SIZE, INPUT_SIZE]
            )
        ],
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 2 * sum(WIDTHS)])],
        inits,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="dslint"
    )
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    return model.SerializeToString()


if __name__ == "__main__":
    files(__package__).joinpath(SHIPPED).write_bytes(build_probe_model())
