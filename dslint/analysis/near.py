"""Near-duplicate groups, shared by D002, D003 and D004: images whose perceptual
fingerprints are within a Hamming distance (the search) and whose thumbnails differ by
no more than re-encoding noise once brightness and contrast are matched (the
confirmation, dslint.analysis.confirm), or whose originals do once a box of one is
fitted to the other (a crop, dslint.analysis.crops), with one colour; recordings matched
by their own audio fingerprint (dslint.analysis.audio_print), which no distance option
changes. Groups of exact copies are left out (D001, D003 and D004 report them).

A group is a sample and its confirmed copies: a star around the sample with the most,
never a chain. A≈B and B≈C make the group of B with A and C, both copies of B; A and C
need not be alike, and a run of look-alikes A≈B≈C≈D, each a little different from the
last, cannot join A to D."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import xxhash

from dslint import __version__
from dslint.analysis import crops
from dslint.analysis.audio_print import near_recordings
from dslint.analysis.confirm import (
    CALIBRATION_SAMPLE,
    MAX_HUE,
    block_residuals,
    ceiling,
    grey,
    hue_differences,
    hues,
    limits,
    renumbered,
    residuals,
)
from dslint.analysis.fingerprint import (
    CROP_DISTANCE,
    CROPS,
    SIZE,
    Pairs,
    cross_pairs,
    distinct,
    from_signed,
    hamming,
    near_pairs,
    same_tint,
)
from dslint.engine.wording import examples
from dslint.model.dataset import Sample, split_sort_key
from dslint.model.facts import FileFacts

if TYPE_CHECKING:
    from dslint.engine.context import Context

DEFAULT_DISTANCE = 10  # the search's reach: the confirmation decides (README, near-duplicates)
CROWDED = 100  # a fingerprint with more close neighbours is looked up no further
SEARCH_VERSION = 12  # raise when the search or its confirmation changes what it finds
TEXT_DISTANCE = 8  # bits of two texts' word prints within which they are near-copies (README)
TEXT_CONFIRM = 20  # bits of their 3-gram prints within which that is confirmed (README)


@dataclass(frozen=True)
class NearGroup:
    """A sample and its near-duplicates. `distance` is the widest matched pair's:
    differing bits of 64 for images, the share of differing fingerprint bits for
    recordings; for images, `residual` is the largest grey-level difference of an image to the
    group's first member once brightness and contrast are matched, and `cropped` the
    percent of its width and of its height that the most cropped member lacks against
    it."""

    members: tuple[Sample, ...]
    distance: int | float
    kind: str = "image"
    residual: float | None = None
    cropped: tuple[int, int] = (0, 0)

    @property
    def splits(self) -> set[str]:
        return {s.split for s in self.members}

    @property
    def how(self) -> str:
        if self.kind == "audio":
            return f"{100 * self.distance:.1f} % of their audio fingerprint bits differ"
        if self.kind == "text":
            return f"{self.distance} of 64 bits of their texts' word fingerprints differ"
        how = f"{self.residual:.1f} grey levels apart at 32×32, brightness matched"
        width, height = self.cropped
        if abs(width - height) > 2:  # a 4:3 photo's centred square: 35 % of its width
            cuts = ((width, "width"), (height, "height"))
            sides = [f"{cut} % of its {side}" for cut, side in cuts if cut]
            return f"{how}, one a crop of the other ({' and '.join(sides)} cut)"
        return how + (f", one a {max(self.cropped)} % crop of the other" if width or height else "")

    def names(self) -> list[str]:
        return [s.path or s.source for s in self.members]

    def shown(self) -> str:
        """'a ≈ b', or for a star 'centre ≈ each of a, b': its members are copies of
        the centre, not necessarily of each other. Members in another split than the
        centre's come first: of a track of frames in train and a few in test, the
        test frames are the leak."""
        centre, *others = self.members
        others.sort(key=lambda sample: sample.split == centre.split)  # stable
        names = [s.path or s.source for s in others]
        return (
            f"{centre.path or centre.source} ≈ "
            + ("each of " if len(names) > 1 else "")
            + examples(names, 4)
        )


def near_groups(
    ctx: Context, max_distance: int, within_splits: bool = False, spread: bool = False
) -> list[NearGroup]:
    """Near-duplicate images within `max_distance` fingerprint bits, confirmed, and
    near-duplicate recordings and texts (read them through `Context.near_groups`, which
    computes each distance once per check for D002, D003 and D004 together). With
    `within_splits`, groups of the pairs inside one split only: a picture in train
    whose re-save is in train and whose crop is in train_augmented is the centre of a
    star across splits, of which the re-save is no member. With `spread`, of the images
    only the pairs whose difference is spread over the picture, as a copy's is (the
    tighter evidence D003 asks of two labels for one content)."""
    found = []
    for chosen, pairs, kind, evidence in (
        ctx.shared(image_pairs, max_distance),
        ctx.shared(recording_pairs),
        ctx.shared(text_pairs),
    ):
        if within_splits and len(chosen):
            codes = np.unique([s.split for s, _ in chosen], return_inverse=True)[1]
            same = codes[pairs.left] == codes[pairs.right]
            pairs, evidence = (
                pairs.where(same),
                evidence if evidence is None else evidence.where(same),
            )
        if spread and evidence is not None:
            pairs, evidence = pairs.where(evidence.spread), evidence.where(evidence.spread)
        found.extend(_groups(chosen, pairs, kind, evidence))
    return found


Found = tuple[list[tuple[Sample, object]], Pairs, str, "Evidence | None"]


def image_pairs(ctx: Context, max_distance: int) -> Found:
    """The confirmed pairs of images within `max_distance` fingerprint bits, with each
    image's sample and content hash (for groups of exact copies to be left out): read
    from the cache when the dataset is unchanged, else searched."""
    images = [
        (s, f)
        for s, f in ctx.files(unlabelled=True)
        if f.kind == "image" and f.fingerprint is not None and not f.error
    ]
    chosen = [(s, f.content_hash) for s, f in images]
    if len(images) < 2:
        return chosen, _no_pairs(), "image", Evidence(*_no_evidence())
    key = _search_key(images, max_distance)
    stored = ctx.cache.result(key) if ctx.cache else None
    if stored is not None:
        pairs = Pairs(stored["left"], stored["right"], stored["distance"])
        evidence = Evidence(stored["residual"], stored["cropped"], stored["spread"])
    else:
        pairs, evidence = _search(ctx, images, max_distance)
        if ctx.cache:
            ctx.cache.put_result(key, {**pairs._asdict(), **evidence._asdict()})
    return chosen, pairs, "image", evidence


def _no_pairs() -> Pairs:
    return Pairs(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64))


def _no_evidence() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.empty(0), np.empty((0, 2), np.int64), np.empty(0, bool)


class Evidence(NamedTuple):
    """Per confirmed pair of images: the grey levels between them once brightness and
    contrast are matched (and a crop aligned), the percent of its width and of its
    height one is cropped by against the other (a row of two; 0 for none), and whether
    their difference is spread over the picture, as a copy's is: no 8×8 block of it
    beyond the pair's limit (`confirm.block_residuals`)."""

    residual: np.ndarray
    cropped: np.ndarray
    spread: np.ndarray

    def where(self, keep: np.ndarray) -> Evidence:
        return Evidence(self.residual[keep], self.cropped[keep], self.spread[keep])


def _search(
    ctx: Context, images: list[tuple[Sample, FileFacts]], max_distance: int
) -> tuple[Pairs, Evidence]:
    hashes = from_signed([f.fingerprint for _, f in images])
    pairs = near_pairs(hashes, max_distance, crowded_above=CROWDED)
    pairs = _with_crops(pairs, hashes, [f.cropped_prints for _, f in images])
    pairs = _of_one_colour(pairs, [f.tint for _, f in images])
    return _confirmed(ctx, images, pairs)


def _with_crops(pairs: Pairs, hashes: np.ndarray, cropped: list[tuple[int, ...] | None]) -> Pairs:
    """The pairs and the candidate crops: images whose fingerprint is within
    `CROP_DISTANCE` bits of another's cropped fingerprint (dslint.analysis.fingerprint),
    each with the distance of their plain fingerprints."""
    known = np.flatnonzero([prints is not None for prints in cropped])
    # every crop of every picture asks at once, so the plain fingerprints are tabled once
    queries = from_signed([cropped[i][which] for which in range(len(CROPS)) for i in known])
    owners = np.tile(known, len(CROPS))
    differs = queries != hashes[owners]  # a square picture's whole square is itself
    owners = owners[differs]
    found = cross_pairs(queries[differs], owners, hashes, CROP_DISTANCE, CROWDED)
    wide, narrow = owners[found[0]], found[1]
    codes = [
        pairs.left.astype(np.int64) * len(hashes) + pairs.right,
        np.minimum(wide, narrow) * len(hashes) + np.maximum(wide, narrow),
    ]
    left, right = np.divmod(distinct(np.concatenate(codes)), len(hashes))
    return Pairs(left, right, hamming(hashes[left], hashes[right]))


def _search_key(images: list[tuple[Sample, FileFacts]], max_distance: int) -> bytes:
    """A digest of everything the search and its confirmation read: each image's name,
    split, label and content (its content hash stands for its thumbnail), the distance
    and the code's version. An unchanged dataset's groups are then read, not searched."""
    digest = xxhash.xxh3_128(f"near {__version__} {SEARCH_VERSION} {max_distance}".encode())
    described = "".join(
        f"{sample.path}\0{sample.split}\0{sample.label!r}\0{facts.content_hash}\0"
        f"{facts.fingerprint}\0{facts.tint}\n"
        for sample, facts in images
    )
    digest.update(described.encode("utf-8", "surrogateescape"))
    return digest.digest()


def _confirmed(
    ctx: Context, images: list[tuple[Sample, FileFacts]], pairs: Pairs
) -> tuple[Pairs, Evidence]:
    """The candidate pairs whose thumbnails confirm them, or whose originals do as a
    crop (dslint.analysis.crops), and their evidence. The dataset's ceiling is
    calibrated only when some pair is close: it can only lower the bound, and its
    sample of pictures costs reading them."""
    involved, (left, right) = renumbered(len(images), pairs.left, pairs.right)
    thumbnails, known = _thumbnails(ctx, [images[i] for i in involved])
    rows = grey(thumbnails)
    allowed = limits(rows, left, right)
    found = residuals(rows, left, right, allowed)
    both_known = known[left] & known[right]
    confirmed = (found <= allowed) & both_known
    cropped = np.zeros((len(left), 2), np.int64)
    unconfirmed = np.flatnonzero(~confirmed & both_known)
    read = partial(_originals, ctx, [images[i][0] for i in involved])
    sizes = np.array([images[i][1].dimensions for i in involved]).reshape(-1, 2)  # (0, 2) if none
    crop = crops.fitted(rows, left, right, unconfirmed, allowed, read, sizes)
    confirmed[crop.pairs], found[crop.pairs], cropped[crop.pairs] = True, crop.residual, crop.cut
    confirmed &= _same_colours(thumbnails, left, right, confirmed, crop)
    if confirmed.any():
        rng = np.random.default_rng(0)
        sample = rng.choice(len(images), min(len(images), CALIBRATION_SAMPLE), replace=False)
        pictures, seen = _thumbnails(ctx, [images[i] for i in sample])
        allowed = np.minimum(
            allowed, ceiling(grey(pictures)[seen], [images[i][0].label for i in sample[seen]])
        )
        confirmed &= found <= allowed
    spread = _spread(rows, left, right, crop, allowed, confirmed)
    return pairs.where(confirmed), Evidence(found[confirmed], cropped[confirmed], spread)


def _spread(
    rows: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    crop: crops.Crops,
    allowed: np.ndarray,
    confirmed: np.ndarray,
) -> np.ndarray:
    """For each confirmed pair, whether its difference is spread over the picture: no
    8×8 block of it beyond the pair's limit. A crop counts as spread: its fit on the
    originals, held, is the stronger evidence (measured on their fits, 33 of FER-2013's
    414 crops had every block within the limit, and those looked at are one photograph
    each)."""
    at = np.flatnonzero(confirmed)
    plain = ~np.isin(at, crop.pairs)
    spread = np.ones(len(at), bool)
    pairs = at[plain]
    spread[plain] = block_residuals(rows[left[pairs]], rows[right[pairs]]) <= allowed[pairs]
    return spread


def _same_colours(
    thumbnails: list[bytes],
    left: np.ndarray,
    right: np.ndarray,
    close: np.ndarray,
    crop: crops.Crops,
) -> np.ndarray:
    """Whether each pair, if close, has the same colours block by block (`hues`; the
    others are not measured): a crop's against its box of the wider picture."""
    same = np.ones(len(left), bool)
    cropped = np.zeros(len(left), bool)
    cropped[crop.pairs] = True
    plain = np.flatnonzero(close & ~cropped)
    ends, (a, b) = renumbered(len(thumbnails), left[plain], right[plain])
    colours = hues([thumbnails[i] for i in ends])
    same[plain] = hue_differences(colours, a, b) <= MAX_HUE
    narrow = np.where(left[crop.pairs] == crop.wide, right[crop.pairs], left[crop.pairs])
    boxes = [crops.boxed(thumbnails[w], box) for w, box in zip(crop.wide, crop.box, strict=True)]
    colours = hues(boxes + [thumbnails[n] for n in narrow])
    count = len(crop.pairs)
    same[crop.pairs] = (
        hue_differences(colours, np.arange(count), count + np.arange(count)) <= MAX_HUE
    )
    return same


def _originals(
    ctx: Context, samples: list[Sample], chosen: list[int]
) -> dict[int, bytes | Exception]:
    """The bytes of the chosen samples' files, read again, by their positions."""
    positions = {samples[i].path: i for i in chosen}
    return {positions[path]: data for path, data in ctx.read_again(list(positions)).items()}


def _thumbnails(
    ctx: Context, chosen: list[tuple[Sample, FileFacts]]
) -> tuple[list[bytes], np.ndarray]:
    """The images' 32×32 RGB thumbnails, and whether each has one: in its facts when
    freshly scanned, else read from the cache (a run without the probe leaves them
    there); a black picture stands for a missing one."""
    pictures = ctx.thumbnails([s for s, _ in chosen])
    blank = bytes(SIZE * SIZE * 3)
    return [p or blank for p in pictures], np.array([p is not None for p in pictures], bool)


def recording_pairs(ctx: Context) -> Found:
    """Near-duplicate recordings: searched once, whatever D002's and D003's distances."""
    recordings = [(s, f) for s, f in ctx.audio_files() if f.audio_print]
    chosen = [(s, f.content_hash) for s, f in recordings]
    matches = near_recordings([f.audio_print for _, f in recordings])
    if not matches:
        return chosen, _no_pairs(), "audio", None
    return chosen, Pairs(*(np.array(side) for side in zip(*matches, strict=True))), "audio", None


def text_pairs(ctx: Context) -> Found:
    """Near-duplicate texts, rows of tables or `.txt` files, by their SimHash prints
    (dslint.scan.text's `text_prints`): their words' within `TEXT_DISTANCE` bits,
    confirmed by their word 3-grams' within `TEXT_CONFIRM`. Searched once, whatever
    the distance D002 and D003 are set to."""
    rows: list[tuple[Sample, object]] = []
    prints: list[list[int]] = []
    for sample, facts in ctx.files(unlabelled=True):
        if facts.kind == "text" and not facts.error:
            rows.append((sample, facts.content_hash))
            prints.append(facts.arrays[""]["text_prints"])
    for split, (file, key) in ctx.dataset.array_inputs.items():
        facts = ctx.facts.get(file)
        stats = (
            facts.arrays.get(key or "", {}) if facts and file in ctx.dataset.table_columns else {}
        )
        samples = ctx.dataset.rows_of(split)
        if stats.get("text_prints") and len(stats["text_prints"]) == len(samples):
            rows.extend(zip(samples, stats["row_hashes"], strict=True))
            prints.extend(stats["text_prints"])
    if len(rows) < 2:
        return rows, _no_pairs(), "text", None
    words, grams = (from_signed(side) for side in zip(*prints, strict=True))
    pairs = near_pairs(words, TEXT_DISTANCE, crowded_above=CROWDED)
    apart = np.bitwise_count(grams[pairs.left] ^ grams[pairs.right])
    return rows, pairs.where(apart <= TEXT_CONFIRM), "text", None


def _groups(
    chosen: list[tuple[Sample, object]], pairs: Pairs, kind: str, evidence: Evidence | None
) -> list[NearGroup]:
    """Star groups of the pairs; `chosen` pairs each sample with its content's hash, so
    that groups of exact copies are left out."""
    found = []
    for centre, members, edges in stars(pairs.left, pairs.right):
        if len({chosen[i][1] for i in members}) == 1:
            continue  # exact copies: D001, D003 and D004 report them
        group = sorted(
            (chosen[i][0] for i in members if i != centre),
            key=lambda s: (split_sort_key(s.split), s.path or s.source),
        )
        found.append(
            NearGroup(
                (chosen[centre][0], *group),
                pairs.distance[edges].max().item(),
                kind,
                None if evidence is None else round(float(evidence.residual[edges].max()), 1),
                (0, 0) if evidence is None else _most_cropped(evidence.cropped[edges]),
            )
        )
    return found


def _most_cropped(cuts: np.ndarray) -> tuple[int, int]:
    """Of pairs' cuts (percent of the width and of the height, a row each), the cuts of
    the pair that lacks the most of a side."""
    width, height = cuts[np.argmax(cuts.max(axis=1))].tolist()
    return width, height


def stars(left: np.ndarray, right: np.ndarray) -> list[tuple[int, list[int], np.ndarray]]:
    """Groups of the pairs (left[k], right[k]) without chaining: nodes in order of how
    many pairs they have (most first, then by index), each with pairs not yet grouped
    becomes a centre, grouped with every node it is paired with; its pairs and those
    among its group are then grouped. Each group is (centre, members ordered by index
    with the centre among them, the indices of the centre's pairs). Every pair ends in
    a group; a node can be in two groups when it has pairs with both, never joined to
    a node through a third."""
    neighbours: dict[int, dict[int, int]] = {}
    for k, (a, b) in enumerate(zip(left.tolist(), right.tolist(), strict=True)):
        neighbours.setdefault(a, {})[b] = k
        neighbours.setdefault(b, {})[a] = k
    grouped: set[int] = set()
    found = []
    for centre in sorted(neighbours, key=lambda node: (-len(neighbours[node]), node)):
        edges = [k for k in neighbours[centre].values() if k not in grouped]
        if not edges:
            continue
        members = {centre, *(n for n, k in neighbours[centre].items() if k not in grouped)}
        for member in members:
            grouped.update(k for n, k in neighbours[member].items() if n in members)
        found.append((centre, sorted(members), np.array(edges)))
    return sorted(found, key=lambda star: star[1][0])


def _of_one_colour(pairs: Pairs, tints: list[int | None]) -> Pairs:
    """The pairs whose two images have the same colour (an image without a recorded
    colour is taken to match)."""
    known = np.array([-1 if t is None else t for t in tints], dtype=np.int64)
    left, right = pairs.left, pairs.right
    keep = same_tint(np.maximum(known, 0), left, right) | (known[left] < 0) | (known[right] < 0)
    return pairs.where(keep)
