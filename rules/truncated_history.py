from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule
from dslint.training.chance import epochs_text


class TruncatedHistory(Rule):
    """A training log that stops in the middle: the rules read what came before.

    What it catches:
        Logs that end mid-epoch (a progress bar that never reached its last step) or
        whose table breaks off on a malformed row; the finding says where it stopped
        and which epochs the other rules read.

    Why it matters:
        A run killed mid-epoch, or a log copied halfway, still tells a lot; but verdicts
        about the end of training (overfitting, the final gap) are about the last
        complete epoch, not the end of the run.

    Example:
        training.log stops: the log ends mid-epoch at line 57, after epoch 14; the
        history rules read epochs 1–14.

    How to fix:
        Nothing to fix in the data; keep the whole log (Keras `CSVLogger`) to check the
        full run.
    """

    id = "H007"
    name = "truncated-history"
    summary = "the training log ends mid-epoch or breaks off; the complete epochs are read"
    default_severity = "info"
    reads_findings = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        history = ctx.history
        if history is None or history.stopped is None:
            return
        yield self.finding(
            f"{history.source} stops: {history.stopped}; the history rules read "
            f"{epochs_text(history.epochs)}",
            paths=[history.source],
            evidence={"stopped": history.stopped},
            fix="Keep the whole log (Keras CSVLogger) to check the full run.",
        )
