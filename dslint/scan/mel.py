"""The mel filter banks of the recordings' spectrogram thumbnails.

The banks are librosa's (`librosa.filters.mel`). Importing librosa costs its numba
start-up, 0.7–1.5 s in every scan worker process that meets a recording, which was
about 40 % of checking 2,000 one-second clips on two cores. So the banks of the common
sample rates ship built, in `mel_banks.npz` beside this module (`python -m
dslint.scan.mel` rebuilds it; a test holds it equal to librosa's banks), and librosa
is imported only for a rate or a clip length not among them.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import numpy as np

BANDS = 32  # mel bands of a thumbnail
SHIPPED = "mel_banks.npz"
SHIPPED_RATES = (8_000, 11_025, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000)
SHIPPED_FFT = 512  # the window of every clip of 512 samples or more


@cache
def mel_filters(rate: int, n_fft: int) -> np.ndarray:
    """The (BANDS × n_fft/2+1) mel filter bank for this sample rate and window."""
    shipped = _shipped()
    key = _key(rate, n_fft)
    if key in shipped:
        return shipped[key]
    return build(rate, n_fft)


def build(rate: int, n_fft: int) -> np.ndarray:
    import librosa

    return librosa.filters.mel(sr=rate, n_fft=n_fft, n_mels=BANDS)


@cache
def _shipped() -> dict[str, np.ndarray]:
    with files(__package__).joinpath(SHIPPED).open("rb") as file, np.load(file) as banks:
        return {name: banks[name] for name in banks.files}


def _key(rate: int, n_fft: int) -> str:
    return f"{rate}_{n_fft}"


def main() -> None:
    """Rebuild the shipped banks with the installed librosa."""
    banks = {_key(rate, SHIPPED_FFT): build(rate, SHIPPED_FFT) for rate in SHIPPED_RATES}
    with files(__package__).joinpath(SHIPPED).open("wb") as file:
        np.savez_compressed(file, **banks)


if __name__ == "__main__":
    main()
