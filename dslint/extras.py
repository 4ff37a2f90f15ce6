"""dslint's optional parts and the packages that bring them.

Error messages and help name the package itself (`pip install s3fs`), never an
extra of the bare name `dslint`: that name on the package index belongs to an
unrelated project, so such a command would install it. From a checkout the extras
install as `pip install ".[s3]"`.
"""

from __future__ import annotations

EXTRAS = {
    "dask": "distributed",
    "gpu": "onnxruntime-gpu",
    "s3": "s3fs",
    "tensorboard": "tensorboard",
}


def install_hint(extra: str) -> str:
    """The command that installs one optional part into the current environment."""
    if extra == "gpu":  # with both builds installed, the CPU one stays in charge
        return "pip uninstall -y onnxruntime && pip install onnxruntime-gpu"
    return f"pip install {EXTRAS[extra]}"
