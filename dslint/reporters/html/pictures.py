"""The HTML report's pictures: a dataset file drawn small (images and arrays as PNG data
URIs, recordings as SVG waveforms, texts as their first lines), each kind as its format
declaration says (dslint.model.formats), read-only, inside the dataset only, never an
oversized file."""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path
from typing import IO

from dslint.discover.remote import is_url, read_objects
from dslint.lazy import resolve
from dslint.model.formats import KINDS, kind_of
from dslint.reporters.html.markup import e, path_html

MAX_THUMBS = 8
THUMB = 96
MAX_BYTES = 20 * 1024 * 1024
TEXT_SHOWN = 240  # characters of a text file shown
PILLOW_PIXEL_LIMIT = 89_478_485  # Pillow's own default, whatever the process has set


def thumbs(
    root: str, paths: list[str], caption: str = "", notes: dict[str, str] | None = None
) -> str:
    """Thumbnails captioned with the file's path (broken only at its slashes), its size
    in pixels or seconds, and a note where the finding has one for it."""
    figures = []
    for path in paths[:MAX_THUMBS]:
        drawn, size = picture(root, path)
        size_line = f"<br><span class='size'>{e(size)}</span>" if size else ""
        note = (notes or {}).get(path)
        note_line = f"<br><span class='note'>{e(note)}</span>" if note else ""
        figures.append(
            f"<figure>{drawn}<figcaption title='{e(path)}'>{path_html(path)}"
            f"{size_line}{note_line}</figcaption></figure>"
        )
    more = f"<p class='meta'>+{len(paths) - MAX_THUMBS} more</p>" if len(paths) > MAX_THUMBS else ""
    note = f"<p class='meta'>{e(caption)}</p>" if caption else ""
    return f"{note}<div class='thumbs'>{''.join(figures)}</div>{more}"


def picture(root: str, rel: str) -> tuple[str, str]:
    """A thumbnail of a dataset file, local or by URL, and its size ("64×64",
    "2.0 s, 16,000 Hz"), or a placeholder when it cannot be shown."""
    try:
        data = _remote_bytes(root, rel) if is_url(root) else _local_bytes(Path(root), rel)
        if data is None:
            return placeholder("not shown"), ""
        kind = kind_of(rel)
        if kind is None:
            return placeholder("not shown"), ""
        return resolve(KINDS[kind].picture)(io.BytesIO(data))
    except Exception:  # a report must not fail on the file it is reporting as broken
        return placeholder("cannot be shown"), ""


def _local_bytes(root: Path, rel: str) -> bytes | None:
    """The file's bytes when it lies inside the dataset and is small enough to show."""
    real, base = Path(os.path.realpath(root / rel)), Path(os.path.realpath(root))
    if base not in real.parents or not real.is_file() or real.stat().st_size > MAX_BYTES:
        return None
    return real.read_bytes()


def _remote_bytes(url: str, rel: str) -> bytes | None:
    data = read_objects(url, [rel])[rel]
    return data if isinstance(data, bytes) and len(data) <= MAX_BYTES else None


def image(file: IO[bytes]) -> tuple[str, str]:
    from PIL import Image

    from dslint.scan.decode import pixel_limit

    with pixel_limit(PILLOW_PIXEL_LIMIT), Image.open(file) as image:  # Pillow's guard on
        width, height = image.size
        image.draft("RGB", (THUMB, THUMB))
        image.thumbnail((THUMB, THUMB))
        return png(image.convert("RGB")), f"{width}×{height}"


def array(file: IO[bytes]) -> tuple[str, str]:
    import numpy as np
    from PIL import Image

    from dslint.scan.decode import thumbnail_of_array

    array = np.load(file, allow_pickle=False)
    picture = np.frombuffer(thumbnail_of_array(array), np.uint8)
    thumb = png(Image.fromarray(picture.reshape(32, 32, 3)).resize((THUMB, THUMB)))
    return thumb, "×".join(map(str, array.shape))


def waveform(file: IO[bytes]) -> tuple[str, str]:
    import numpy as np
    import soundfile

    samples, rate = soundfile.read(file, dtype="float32", always_2d=True)
    mono = samples.mean(axis=1)
    if not mono.size:
        return placeholder("empty"), ""
    chunks = np.array_split(np.abs(mono), min(96, mono.size))
    peaks = [float(c.max()) if c.size else 0.0 for c in chunks]
    bars = "".join(
        f"<line x1='{i + 0.5}' x2='{i + 0.5}' y1='{48 - 46 * p:.1f}' "
        f"y2='{48 + 46 * p:.1f}' stroke='#4e79a7'/>"
        for i, p in enumerate(peaks)
    )
    wave = (
        f"<svg class='wave' viewBox='0 0 {len(peaks)} 96' preserveAspectRatio='none' "
        f"role='img' aria-label='waveform'>{bars}</svg>"
    )
    return wave, f"{mono.size / rate:.1f} s, {rate:,} Hz"


def text(file: IO[bytes]) -> tuple[str, str]:
    """The text's first lines, as a reader sees them."""
    from dslint.scan.text import read_text

    words, _ = read_text(file.read())
    shown = words[:TEXT_SHOWN] + ("…" if len(words) > TEXT_SHOWN else "")
    return f"<blockquote class='text'>{e(shown)}</blockquote>", f"{len(words):,} characters"


def png(image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    data = base64.b64encode(buffer.getvalue()).decode()
    return f"<img class='thumb' alt='' src='data:image/png;base64,{data}'>"


def placeholder(text: str) -> str:
    return (
        f"<svg viewBox='0 0 96 96' role='img' aria-label='{e(text)}'><text x='48' y='52' "
        f"font-size='11' text-anchor='middle' fill='#777'>{e(text)}</text></svg>"
    )
