"""The columns of tables of samples, per split, as the scan summarised them: rows,
empty cells, numeric and text cells, distinct values and the categories where there
are few; and the `.txt` files of a text dataset, per split. What the T rules read."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dslint.engine.wording import number
from dslint.model.dataset import Sample, split_sort_key
from dslint.scan.table_stats import FREE_TEXT, KIND_SHARE, VALUES

if TYPE_CHECKING:
    from dslint.engine.context import Context
    from dslint.engine.rule import Finding

COLUMN_SCALE = 10.0  # a column's spread in one split over its spread in train: rescaled
COLUMN_VALUES = 5  # numbers a split's column needs for its spread to be compared


@dataclass(frozen=True)
class TableSplit:
    file: str
    split: str
    columns: dict[str, dict[str, Any]]  # column -> its summary


def table_splits(ctx: Context) -> list[TableSplit]:
    """Each split of each table, train first."""
    found = []
    for split, (file, key) in ctx.dataset.array_inputs.items():
        if file not in ctx.dataset.table_columns:
            continue
        facts = ctx.facts.get(file)
        stats = facts.arrays.get(key or "") if facts and not facts.error else None
        if stats and "columns" in stats:
            found.append(TableSplit(file, split, stats["columns"]))
    return sorted(found, key=_order)


def columns_described(
    ctx: Context, describe: Callable[[str, dict[str, Any]], str | None]
) -> Iterator[tuple[TableSplit, dict[str, str]]]:
    """Per split of each table, the columns `describe` has something to say about
    (column -> what it says); splits with none are left out."""
    for table in table_splits(ctx):
        said = {
            name: text
            for name, summary in table.columns.items()
            if (text := describe(name, summary))
        }
        if said:
            yield table, said


def number_columns(ctx: Context) -> dict[str, dict[str, dict[str, Any]]]:
    """The numeric columns of tables: column -> split -> its summary (with the table's
    file), train first; for N001 and N006, which compare each column between splits."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for table in table_splits(ctx):
        for name, summary in table.columns.items():
            if kind_of_column(summary) == "number" and "std" in summary:
                found.setdefault(name, {})[table.split] = {**summary, "file": table.file}
    return {name: splits for name, splits in found.items() if len(splits) > 1}


def rescaled(reference: dict[str, Any], other: dict[str, Any]) -> bool:
    """Whether a column is on scales tenfold apart in two splits: their standard
    deviations, both measured on a few values at least (N001's finding; N006 leaves
    such a column to it)."""
    if min(reference["numeric"], other["numeric"]) < COLUMN_VALUES:
        return False
    low, high = sorted((reference["std"], other["std"]))
    return low > 0 and high / low >= COLUMN_SCALE


def text_files(ctx: Context) -> dict[str, list[tuple[Sample, dict[str, Any]]]]:
    """The readable `.txt` samples of each split, train first, with what the scan read
    of each (dslint.scan.text: length, short, mojibake, encoding)."""
    found: dict[str, list[tuple[Sample, dict[str, Any]]]] = {}
    for sample, facts in ctx.files(unlabelled=True):
        if facts.kind == "text" and not facts.error:
            found.setdefault(sample.split, []).append((sample, facts.arrays[""]))
    return dict(sorted(found.items(), key=lambda item: split_sort_key(item[0])))


def marked_text_files(ctx: Context, mark: str) -> Iterator[tuple[str, list[str], int]]:
    """Per split, the `.txt` files the scan marked (`short`, `mojibake`) and how many
    texts the split holds; splits with none marked are left out."""
    for split, files in text_files(ctx).items():
        marked = [sample.path for sample, text in files if text[mark]]
        if marked:
            yield split, marked, len(files)


def kind_of_column(summary: dict[str, Any]) -> str | None:
    """'number' or 'text' when nearly every filled cell is one (95 %), 'mixed' when
    both are common, None when the column is empty."""
    filled = summary["numeric"] + summary["text"]
    if not filled:
        return None
    if summary["numeric"] >= KIND_SHARE * filled:
        return "number"
    if summary["text"] >= KIND_SHARE * filled:
        return "text"
    return "mixed"


def _order(table: TableSplit) -> tuple:
    return split_sort_key(table.split.removeprefix("unlabelled ")), table.split


def is_free_text(summary: dict[str, Any]) -> bool:
    """A text column of messages or documents rather than of a few categories."""
    return kind_of_column(summary) == "text" and summary.get("mean_length", 0) >= FREE_TEXT


def column_report(ctx: Context) -> list[dict[str, Any]]:
    """The reports' column summary of a dataset's tables: per column its kind, and per
    split a line on its values and the values to draw (numbers: minimum, quartiles,
    maximum; categories: the commonest, counted); `with_rules` adds the rules whose
    findings name it."""
    rows: dict[str, dict[str, Any]] = {}
    for table in table_splits(ctx):
        for name, summary in table.columns.items():
            row = rows.setdefault(
                name, {"column": name, "kind": None, "rules": [], "splits": {}, "values": {}}
            )
            row["kind"] = row["kind"] or _kind_word(summary)
            row["splits"][table.split] = describe_values(summary)
            row["values"][table.split] = _drawn(summary)
    return list(rows.values())


def with_rules(report: list[dict[str, Any]], findings: list[Finding]) -> list[dict[str, Any]]:
    """The column summary with, per column, the rules whose `findings` name it: those
    the report shows (after --since), whether the summary was made now or replayed."""
    rows = {row["column"]: {**row, "rules": []} for row in report}
    for finding in findings:
        for name in _columns_named(finding.evidence):
            if name in rows and finding.rule_id not in rows[name]["rules"]:
                rows[name]["rules"].append(finding.rule_id)
    return list(rows.values())


def _drawn(summary: dict[str, Any]) -> list:
    """What the HTML report draws of a split's column: a number column's minimum,
    quartiles and maximum; else its commonest values counted, then the rest and the
    empty cells, so that the counts add up to the split's rows."""
    if _kind_word(summary) == "number" and "quartiles" in summary:
        return [summary["min"], *summary["quartiles"], summary["max"]]
    top = [list(pair) for pair in summary.get("top", [])]
    rest = summary["rows"] - summary["missing"] - sum(count for _, count in top)
    return [*top, ["(other values)", rest], ["(empty)", summary["missing"]]]


def describe_values(summary: dict[str, Any]) -> str:
    """A split's values of a column in a few words: the range and quartiles of numbers,
    the commonest categories with their counts, the length of texts; and how many cells
    are empty."""
    kind = _kind_word(summary)
    # the scan counts distinct values up to VALUES (dslint.scan.table_stats)
    distinct = summary["distinct"]
    counted = f"{distinct:,}" if distinct is not None else f"over {VALUES:,}"
    if kind == "number" and "quartiles" in summary:
        q1, median, q3 = summary["quartiles"]
        low, high = number(summary["min"]), number(summary["max"])
        text = f"{low}–{high}, median {number(median)} (IQR {number(q1)}–{number(q3)})"
    elif kind == "text":
        text = f"{counted} texts, mean {summary['mean_length']:.0f} characters"
    elif summary.get("top"):  # counted values, so `distinct` is known
        shown = ", ".join(f"{value} {count:,}" for value, count in summary["top"][:3])
        more = distinct - len(summary["top"][:3])
        text = shown + (f", +{more:,} more" if more > 0 else "")
    else:
        text = f"{counted} values"
    if summary["missing"]:
        share = summary["missing"] / summary["rows"]
        text += f"; {share:.0%} empty" if share >= 0.01 else f"; {summary['missing']:,} empty"
    return text


def _kind_word(summary: dict[str, Any]) -> str:
    kind = kind_of_column(summary)
    if kind == "text" and not is_free_text(summary):
        return "category" if summary.get("categories") is not None else "code"
    return kind or "empty"


def _columns_named(evidence: dict[str, Any]) -> list[str]:
    """The columns a finding's evidence names: `column`, or `columns` (a list, or a
    mapping from each column to its numbers)."""
    named = [evidence["column"]] if isinstance(evidence.get("column"), str) else []
    return named + [c for c in evidence.get("columns", ()) if isinstance(c, str)]
