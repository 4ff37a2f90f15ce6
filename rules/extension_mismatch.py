from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule
from dslint.engine.evidence import pictures
from dslint.model.formats import expected_format, extension


class ExtensionMismatch(Rule):
    """A file whose content is in another format than its extension says.

    What it catches:
        A `.jpg` that holds PNG data, a `.wav` that holds FLAC, and the like: the
        format is read from the content, not the name.

    Why it matters:
        Loaders that pick a decoder by extension (TensorFlow's `decode_jpeg`,
        `tf.io.decode_image` with an expected format, many audio pipelines) fail on
        these files or decode them wrongly, and tools that filter by extension treat
        them inconsistently.

    Example:
        train/cat/12.jpg holds PNG data but is named .jpg.

    How to fix:
        Rename the file to the right extension, or re-encode it in the format its name
        promises.
    """

    id = "F005"
    name = "extension-mismatch"
    summary = "content format differs from the extension"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for sample, facts in ctx.files():
            if facts.format is None:
                continue
            expected = expected_format(sample.path)
            if expected and facts.format != expected:
                yield self.finding(
                    f"{sample.path} holds {facts.format} data but is named "
                    f"{extension(sample.path)}",
                    paths=[sample.path],
                    split=sample.split,
                    evidence={
                        "content_format": facts.format,
                        "extension_format": expected,
                        "pictures": pictures([sample.path]),
                    },
                    fix=f"Rename it to the {facts.format} extension or re-encode it as {expected}.",
                )
