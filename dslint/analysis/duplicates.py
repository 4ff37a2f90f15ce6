"""Groups of samples with identical content, shared by D001, D003 and D004.

Files match when their decoded content is the same (the same pixels re-saved with
other metadata or PNG compression still match), or their bytes are when there is no
decoded content (a file over the read limit); unreadable files are F001's alone. Rows
of stacked arrays match by a hash of their values. Grouping is one pass over a dict:
linear in the number of samples.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dslint.model.dataset import Sample, format_label, is_class, split_sort_key
from dslint.model.facts import DRAFT, FileFacts

if TYPE_CHECKING:
    from dslint.engine.context import Context


@dataclass(frozen=True)
class DuplicateGroup:
    members: tuple[Sample, ...]
    how: str  # "identical bytes", "same decoded content" or "identical array rows"

    @property
    def splits(self) -> set[str]:
        return {s.split for s in self.members}

    @property
    def labels(self) -> set:
        return {s.label for s in self.members if is_class(s.label)}

    def names(self) -> list[str]:
        return [s.path or s.source for s in self.members]

    def describe_labels(self) -> str:
        return ", ".join(f"{s.path or s.source} is {format_label(s.label)}" for s in self.members)


def duplicate_groups(ctx: Context) -> list[DuplicateGroup]:
    """Every group of two or more samples with the same content, in dataset order."""
    by_key: dict[str, list[Sample]] = defaultdict(list)
    for sample, facts in ctx.files(unlabelled=True):
        if facts.error:
            continue  # an unreadable file is F001's, whatever its bytes
        key = f"c:{facts.content_hash}" if facts.content_hash else f"b:{facts.byte_hash}"
        if facts.content_hash or facts.byte_hash:
            by_key[key].append(sample)
    for split, (file, key) in ctx.dataset.array_inputs.items():
        facts = ctx.facts.get(file)
        hashes = (facts.arrays.get(key or "", {}).get("row_hashes") if facts else None) or []
        rows = ctx.dataset.rows_of(split)
        if len(hashes) == len(rows):
            for row_hash, sample in zip(hashes, rows, strict=True):
                by_key[f"r:{row_hash}"].append(sample)
    groups = []
    for key, found in by_key.items():
        for members in _confirmed(ctx, found) if key.startswith(f"c:{DRAFT}") else [found]:
            if len(members) < 2:
                continue
            members.sort(key=lambda s: (split_sort_key(s.split), s.path or s.source))
            groups.append(DuplicateGroup(tuple(members), _how(ctx, key, members)))
    return groups


def _confirmed(ctx: Context, drafts: list[Sample]) -> list[list[Sample]]:
    """Large JPEGs whose drafts are the same (dslint.scan.decode), grouped by their
    full decode: two photos a few pixels apart can have the same draft. Files of the
    same bytes need no decoding; a file that cannot be read again is left alone."""
    if len(drafts) < 2 or len({ctx.facts[s.path].byte_hash for s in drafts}) == 1:
        return [drafts]
    from dslint.scan.decode import decode_image

    contents = ctx.read_again([s.path for s in drafts])
    by_content: dict[str, list[Sample]] = defaultdict(list)
    for sample in drafts:
        data = contents.get(sample.path)
        if not isinstance(data, bytes):
            continue
        full = FileFacts(path=sample.path, kind="image")
        decode_image(full, data, draft=False)
        if full.content_hash:
            by_content[full.content_hash].append(sample)
    return list(by_content.values())


def _how(ctx: Context, key: str, members: list[Sample]) -> str:
    if key.startswith("r:"):
        tables = ctx.dataset.table_columns
        return (
            "identical rows"
            if members[0].source.split(":")[0] in tables
            else "identical array rows"
        )
    byte_hashes = {ctx.facts[s.path].byte_hash for s in members}
    return "identical bytes" if len(byte_hashes) == 1 else "same decoded content"
