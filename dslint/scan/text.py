"""Texts as dslint compares them: one message or document, whether a table's cell or a
`.txt` file of a class folder. Two texts that differ only in case, spacing or Unicode
form are the same text; texts that share most of their words have SimHash prints a few
bits apart."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import xxhash

from dslint.model.facts import FileFacts

SHORT_TEXT = 5  # characters: a message shorter than this says next to nothing
# UTF-8 read as Latin-1 or cp1252 ("cafÃ©", "donâ€™t"), and the replacement character
MOJIBAKE = "Ã[\x80-\xbf]|â€|Â[\xa0-\xbf]|\ufffd"  # the characters, not escapes: RE2 reads it too
_MOJIBAKE = re.compile(MOJIBAKE)


def normalise(text: str) -> str:
    """NFKC, lower-cased, whitespace collapsed: what makes two texts the same text (a
    table's cells are normalised the same way, column by column, in
    dslint.scan.table_stats)."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def text_prints(text: str) -> list[int]:
    """Two 64-bit SimHash prints of a text (signed, as image fingerprints are): of its
    distinct words, which the near-duplicate search reaches within a few bits, and of
    its word 3-grams, which confirms a candidate (dslint.analysis.near).

    Words find edits: a replaced word changes three 3-grams, which moved the print of
    a short message past the search's reach (36 % of such edits found in 16-30 word
    messages, against 90 % by words; benchmarks/bench_text_leaks.py); distinct, so
    that a word said over and over ("hi hi hi hi") does not outvote the rest. The
    3-grams keep word order: two messages of common words in another order are no
    copies."""
    words = text.split()
    grams = [" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))]
    return [_simhash(sorted(set(words)) or [""]), _simhash(grams)]


def _simhash(tokens: list[str]) -> int:
    hashes = np.array(
        [xxhash.xxh3_64_intdigest(t.encode("utf-8", "surrogatepass")) for t in tokens],
        dtype=np.uint64,
    )
    bits = np.unpackbits(hashes.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    votes = bits.sum(axis=0) * 2 > len(tokens)
    value = int(np.packbits(votes, bitorder="little").view(np.uint64)[0])
    return value - (1 << 64) if value >= 1 << 63 else value


def read_text(data: bytes) -> tuple[str, str]:
    """A text file's text and its encoding: UTF-8 (a byte-order mark dropped), else
    Latin-1, which reads any bytes."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def decode_text(facts: FileFacts, data: bytes) -> None:
    """A `.txt` sample: the hash of its normalised text (so a re-typed copy is a copy),
    its SimHash print, its length, and whether it is nearly empty or garbled."""
    text, encoding = read_text(data)
    if "\x00" in text:
        raise ValueError("binary content (NUL bytes), not text")
    same = normalise(text)
    facts.format = "TXT"
    facts.content_hash = xxhash.xxh3_64_hexdigest(same.encode("utf-8", "surrogatepass"))
    facts.arrays[""] = {
        "encoding": encoding,
        "length": len(text),
        "short": len(text.strip()) < SHORT_TEXT,
        "mojibake": bool(_MOJIBAKE.search(text)),
        "text_prints": text_prints(same),
    }
