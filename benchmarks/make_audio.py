"""Write N heart-sound-like WAV clips of a given length in class folders (train/val),
for timing dslint's audio scan.

    python benchmarks/make_audio.py /tmp/audio1s --count 5000 --seconds 1
    python benchmarks/make_audio.py /tmp/audio30s --count 500 --seconds 30
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fixtures.generate import heart_sound, write_wav


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--rate", type=int, default=16000)
    args = parser.parse_args()
    for i in range(args.count):
        split = "val" if i % 5 == 0 else "train"
        label = "abnormal" if i % 2 else "normal"
        samples = heart_sound(i, args.rate, args.seconds, murmur=label == "abnormal")
        write_wav(args.out / split / label / f"{i:06d}.wav", samples, args.rate)
    print(f"{args.count} clips of {args.seconds:g} s at {args.rate} Hz in {args.out}")


if __name__ == "__main__":
    main()
