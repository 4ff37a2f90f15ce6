"""The decoded audio samples of a dataset, shared by the A rules."""

from __future__ import annotations

from dslint.engine.rule import Context
from dslint.model.dataset import Sample
from dslint.model.facts import FileFacts


def audio_files(ctx: Context) -> list[tuple[Sample, FileFacts]]:
    """Every decoded audio sample with its facts, in dataset order."""
    return [
        (s, f)
        for s in ctx.dataset.samples
        if (f := ctx.facts_of(s)) is not None
        and f.kind == "audio"
        and not f.error
        and f.sample_rate
    ]


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"
