"""Git LFS pointers: the few lines of text that stand in for each large file of a
repository cloned without Git LFS installed (or with `GIT_LFS_SKIP_SMUDGE`). Dataset
repositories keep their images, recordings and tables in LFS, so a clone without it
holds pointers where the data should be; a report names them as such, with the size of
what was never fetched and how to fetch it, rather than as text that will not decode.

A pointer (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md) is at most 1,024
bytes of UTF-8: a `version` line first, then `oid` and `size` lines."""

from __future__ import annotations

VERSIONS = (
    "version https://git-lfs.github.com/spec/v1",
    "version https://hawser.github.com/spec/v1",  # the pre-release name, still valid
)
MAX_POINTER = 1024
UNFETCHED = "a Git LFS pointer;"  # begins the reason a pointer gives for not being read
FETCH = "`git lfs pull` in the repository fetches them"
FETCH_FIX = (
    "Fetch the files: install Git LFS (`git lfs install`) and run `git lfs pull` in the "
    "dataset's repository, or clone it again with Git LFS installed."
)


def pointer_size(data: bytes) -> int | None:
    """The size in bytes of the file that `data`, a Git LFS pointer, stands for; None
    when `data` is not a pointer."""
    if len(data) > MAX_POINTER:
        return None
    lines = data.decode("utf-8", "replace").splitlines()
    if not lines or lines[0].strip() not in VERSIONS:
        return None
    sizes = [line[len("size ") :].strip() for line in lines if line.startswith("size ")]
    return int(sizes[0]) if sizes and sizes[0].isdigit() else None


def unfetched(size: int) -> str:
    """What a pointer file is, as the reason it cannot be read."""
    return f"{UNFETCHED} the {size:,} bytes it stands for were never fetched"


def is_unfetched(reason: str) -> bool:
    """Whether a file's reason for not being read is that it is a pointer."""
    return reason.startswith(UNFETCHED)


def unfetched_size(reason: str) -> int:
    """The size a pointer stands for, from the reason `unfetched` wrote."""
    return int(reason.removeprefix(f"{UNFETCHED} the ").split(" ", 1)[0].replace(",", ""))
