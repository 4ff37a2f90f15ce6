from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples, plural, split_name

DYNAMIC_RANGE = 1e3  # max / median of a non-negative array: 30 dB and more
SKEW = 10.0  # mean / median: the energy sits in a few loud bins
UNSCALED = 5.0  # mean or std beyond this: not of order 1


class UnscaledInput(Rule):
    """Float inputs that are not normalised: 0–255 floats, or spectrograms stored as
    linear energy.

    What it catches:
        Float arrays (stacked x arrays or one .npy per sample) whose mean or standard
        deviation is above 5, i.e. not of order 1: pixel values converted to float but
        never divided by 255, or dB values never normalised; and non-negative float
        arrays whose maximum is over 1,000 times their median (30 dB) and whose mean is
        over 10 times their median, the signature of linear-energy (power)
        spectrograms. Inputs in [0, 1], [-1, 1] or standardised
        (z-scores) pass.

    Why it matters:
        Networks are initialised for inputs of order 1. Inputs of order 100 saturate
        activations and blow up the first gradients; linear-energy spectrograms put
        almost all of the signal in a few loud bins, so quiet but informative parts
        are invisible to the model. Both show as a loss that barely moves.

    Example:
        x_train.npy (float32) is in [0, 255]: float inputs that were never scaled.

    How to fix:
        Divide 8-bit data by 255 (or standardise with the training mean and std); for
        spectrograms take the log (`librosa.power_to_db(S, ref=np.max)` or
        `np.log(S + 1e-6)`), then normalise with training statistics.
    """

    id = "N002"
    name = "unscaled-input"
    summary = "array inputs not normalised (float 0–255, linear-energy spectrograms)"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for split, values in ctx.split_values().items():
            if values.kind == "stacked":
                stats = {
                    "min": values.min,
                    "max": values.max,
                    "p50": values.p50,
                    "mean": values.mean,
                    "std": values.std,
                }
                verdict = _verdict(values.dtype, stats)
                if verdict:
                    yield self._finding(verdict, values.source, split, stats, [values.source])
            elif values.kind == "array":
                yield from self._per_file(ctx, split)

    def _per_file(self, ctx: Context, split: str) -> Iterator[Finding]:
        flagged: dict[str, list[tuple[str, dict]]] = {}
        for sample, facts in ctx.files(split):
            stats = facts.arrays.get("")
            verdict = _verdict(stats["dtype"], stats) if stats and "min" in stats else None
            if verdict:
                flagged.setdefault(verdict, []).append((sample.path, stats))
        for verdict, files in flagged.items():
            paths = [path for path, _ in files]
            what = f"{plural(len(paths), 'array file')} in {split_name(split)} ({examples(paths)})"
            summary = {
                "files": len(paths),
                "min": min(s["min"] for _, s in files),
                "max": max(s["max"] for _, s in files),
            }
            yield self._finding(verdict, what, split, summary, paths)

    def _finding(
        self, verdict: str, what: str, split: str, stats: dict, paths: list[str]
    ) -> Finding:
        many = len(paths) > 1
        if verdict == "linear":
            message = (
                f"{what} {'look' if many else 'looks'} like linear-energy spectrograms: "
                f"non-negative, with a maximum over {DYNAMIC_RANGE:,.0f} times the median"
            )
            fix = (
                "Take the log (`librosa.power_to_db(S, ref=np.max)`), then normalise "
                "with the training mean and std."
            )
        else:
            scale = (
                f" in [{stats['min']:.4g}, {stats['max']:.4g}] (mean {stats['mean']:.4g}, "
                f"std {stats['std']:.4g})"
                if "std" in stats
                else f" in [{stats['min']:.4g}, {stats['max']:.4g}]"
            )
            message = (
                f"{what} {'hold' if many else 'holds'} float values{scale}: inputs that "
                f"were never scaled"
            )
            fix = "Divide by 255 (8-bit data) or standardise with the training mean and std."
        return self.finding(
            message, split=split, paths=paths, fix=fix, evidence={"kind": verdict, **stats}
        )


def _verdict(dtype: str, stats: dict) -> str | None:
    """ "linear" for linear-energy spectrograms, "unscaled" for floats of a scale far
    from 1 (0–255 pixels, dB values), None for normalised inputs ([0, 1], [-1, 1],
    standardised z-scores)."""
    if not dtype.startswith("float"):
        return None
    low, high, median = stats["min"], stats["max"], stats.get("p50")
    skewed = stats.get("mean", 0.0) > SKEW * (median or 0.0)
    if low >= 0 and median and median > 0 and high / median > DYNAMIC_RANGE and skewed:
        return "linear"
    if max(abs(stats.get("mean", 0.0)), stats.get("std", 0.0)) > UNSCALED:
        return "unscaled"
    return None
