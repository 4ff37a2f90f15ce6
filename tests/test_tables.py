"""Tables of samples (CSV, TSV): rows are samples, one column is the label; the same
label, balance and leakage rules as for files, on rows."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

import dslint
from dslint.discover.layouts import discover
from tests.helpers import forget, image
from tests.test_discovery import LAYOUTS, counts


def _rules(report: dslint.Report) -> list[str]:
    return sorted({f.rule_id for f in report.findings})


def test_a_competition_s_unlabelled_test_rows_copied_from_train_are_a_leak() -> None:
    """The copies carry new ids: identifiers are left out of a row's content."""
    report = dslint.check(LAYOUTS / "kaggle-train-test-csv/data", use_cache=False, probe=False)
    (leak,) = [f for f in report.findings if f.rule_id == "D001"]
    assert leak.message.startswith("3 of 13 unlabelled test samples (23.1 %) also appear in train")
    assert "train.csv:2 = test.csv:12 (identical rows)" in leak.message
    assert _rules(report) == ["B005", "D001", "T001"]  # T001: PassengerId


def test_the_label_column_is_chosen_by_header_else_content_else_as_asked(tmp_path: Path) -> None:
    (tmp_path / "train.csv").write_text(
        "id,grade,colour,target\n"
        + "".join(f"{i},{i % 3},{'rgb'[i % 3]},{i % 2}\n" for i in range(30))
    )
    assert discover(tmp_path).layout == (
        "table train.csv (label column 'target' by header; identifiers left out: 'id')"
    )
    asked = discover(tmp_path, columns=dslint.discover.manifest.Columns(label="colour"))
    assert asked.layout.startswith("table train.csv (label column 'colour' as asked")
    assert {s.label for s in asked.samples} == {"r", "g", "b"}


def test_missing_values_and_labels_in_one_based_pairs_are_found(tmp_path: Path) -> None:
    rows = [f"{i},{'' if i == 5 else i * 1.5},{1 + i % 2}" for i in range(40)]
    (tmp_path / "data.csv").write_text("id,dose,label\n" + "\n".join(rows) + "\n")
    report = dslint.check(tmp_path, use_cache=False, probe=False)
    (missing,) = [f for f in report.findings if f.rule_id == "N003"]
    assert (
        missing.message
        == "data.csv has 1 missing (empty or NaN) and 0 infinite numeric cells in train"
    )
    assert "L001" in _rules(report)  # {1, 2}


def test_a_latin_1_table_is_read(tmp_path: Path) -> None:
    rows = "".join(f"{i},{'café' if i % 2 else 'thé'},{i % 2}\n" for i in range(20))
    (tmp_path / "train.csv").write_bytes(("id,drink,label\n" + rows).encode("latin-1"))
    dataset = discover(tmp_path)
    assert {s.label for s in dataset.samples} == {0, 1}
    assert dataset.layout.endswith("; not UTF-8, read as Latin-1: train.csv)")


def test_a_table_with_semicolons_is_read_by_its_columns(tmp_path: Path) -> None:
    """As UCI's wine-quality tables are saved: `"fixed acidity";"alcohol";"quality"`.
    A comma in the header keeps commas, whatever semicolons its cells hold."""
    from dslint.discover.table_reader import delimiter_of

    rows = "".join(f"{7 + i % 3}.{i};{9 + i % 2}.5;{5 + i % 2}\n" for i in range(20))
    (tmp_path / "winequality-red.csv").write_text('"fixed acidity";"alcohol";"quality"\n' + rows)
    dataset = discover(tmp_path)
    assert {s.label for s in dataset.samples} == {5, 6}
    assert delimiter_of(".csv", b"name,note\n") == ","
    assert delimiter_of(".csv", b"name,note;more\n") == ","
    assert delimiter_of(".tsv", b"a;b\n") == "\t"
    assert delimiter_of(".parquet", b"PAR1") is None


def test_a_csv_naming_data_files_stays_a_manifest(tmp_path: Path) -> None:
    (tmp_path / "labels.csv").write_text("path,label\na.png,0\nb.png,1\n")
    dataset = discover(tmp_path)
    assert dataset.label_source == "manifest"
    assert [path for _, path in dataset.missing_files] == ["a.png", "b.png"]


def test_the_label_is_the_column_the_unlabelled_test_table_lacks(tmp_path: Path) -> None:
    """As Titanic ships: Survived comes before Embarked, and only test.csv lacks it."""
    rows = "".join(f"{i},{i % 2},{i % 3},{'SCQ'[i % 3]}\n" for i in range(30))
    (tmp_path / "train.csv").write_text("PassengerId,Survived,Pclass,Embarked\n" + rows)
    tests = "".join(f"{i},{i % 3},{'SCQ'[i % 3]}\n" for i in range(30, 40))
    (tmp_path / "test.csv").write_text("PassengerId,Pclass,Embarked\n" + tests)
    dataset = discover(tmp_path)
    assert "label column 'Survived' by content (the column test.csv lacks)" in dataset.layout
    assert len(dataset.unlabelled) == 10


def test_a_test_table_scaled_unlike_train_is_a_range_mismatch(tmp_path: Path) -> None:
    """Feature columns 0–255 in train.csv and 0–1 in an unlabelled test.csv: N001."""
    train = "".join(f"{i},{(i * 37) % 255},{(i * 91) % 255},{i % 2}\n" for i in range(60))
    (tmp_path / "train.csv").write_text("id,x1,x2,label\n" + train)
    test = "".join(f"{i},{(i % 10) / 10},{(i % 7) / 7:.3f}\n" for i in range(60, 80))
    (tmp_path / "test.csv").write_text("id,x1,x2\n" + test)
    report = dslint.check(tmp_path, use_cache=False, probe=False)
    (mismatch,) = [f for f in report.findings if f.rule_id == "N001"]
    assert mismatch.message.startswith(
        "unlabelled test (test.csv): 2 columns on another scale than in train: 'x1' in "
        "[0, 0.9] (std 0.287) against [0, 250] (std 73.4) in train; 'x2' in [0, 0.857]"
    )
    assert set(mismatch.evidence["columns"]) == {"x1", "x2"}


def test_columns_of_other_scales_than_each_other_are_no_mismatch(tmp_path: Path) -> None:
    """Age in years and income in euros, alike in both splits: each column is compared
    with itself, never pooled with the others."""
    rows = [f"{20 + i % 50},{1000 + (i * 397) % 90000},{i % 2}\n" for i in range(90)]
    (tmp_path / "train.csv").write_text("age,income,label\n" + "".join(rows))
    (tmp_path / "test.csv").write_text("age,income,label\n" + "".join(rows[::3]))
    report = dslint.check(tmp_path, use_cache=False, probe=False, select=["N"])
    assert report.findings == []


def test_the_probe_reads_numbers_categories_and_words_and_leaves_codes_out() -> None:
    from dslint.analysis.probe_columns import HASHED, _encode

    table = pd.DataFrame(
        {
            "dose": ["1", "2", "", "5"] * 10,
            "colour": ["red", "blue"] * 20,
            "note": [f"patient {i} says the pain is worse in the morning" for i in range(40)],
            "ticket": [f"A-{i}" for i in range(40)],
        }
    )
    features = _encode(table)
    assert features.shape == (40, 1 + 2 + HASHED)  # dose, two colours, hashed words
    assert abs(features[:, 0].mean()) < 1e-6 and abs(features[:, 0].std() - 1) < 1e-6


def test_the_reports_list_the_columns_and_draw_the_ones_findings_name(tmp_path: Path) -> None:
    from dslint.reporters.html.page import render_html
    from dslint.reporters.text import render_text

    data = Path(__file__).parent.parent / "fixtures/N001-split-range-mismatch"
    report = dslint.check(data / "fail-income-in-thousands-in-test/data", use_cache=False)
    (columns,) = [d.columns for d in report.datasets]
    income = next(c for c in columns if c["column"] == "income")
    assert (income["kind"], income["rules"]) == ("number", ["N001"])
    assert income["splits"]["test"] == "1.013–1.876, median 1.365 (IQR 1.189–1.7)"
    text, page = io.StringIO(), io.StringIO()
    render_text(report, text, color=False)
    assert "income   number    N001      1000–1888, median 1364" in text.getvalue()
    render_html(report, page)
    assert "<h3>Columns</h3>" in page.getvalue()
    assert "<h4>income (N001)</h4>" in page.getvalue() and "class='box-track'" in page.getvalue()


def test_identifier_headers_are_ids_and_words_ending_in_id_are_not() -> None:
    from dslint.discover.tables import _is_identifier

    frame = pd.DataFrame(
        {
            "PassengerId": [str(i) for i in range(30)],
            "customer_id": [str(i * 7) for i in range(30)],
            "paid": ["yes", "no"] * 15,
            "humid": [str(i % 4) for i in range(30)],
            "reading": [str(i * 13 % 97) for i in range(30)],  # distinct, but measured
            "row": [str(i + 100) for i in range(30)],  # distinct and consecutive
        }
    )
    found = [c for c in frame.columns if _is_identifier(frame, c)]
    assert found == ["PassengerId", "customer_id", "row"]


def test_a_text_s_prints_keep_edited_copies_close_and_other_texts_far() -> None:
    """Words find a copy with a word replaced or added; 3-grams tell the same words in
    another order from a copy."""
    from dslint.analysis.fingerprint import from_signed
    from dslint.analysis.near import TEXT_CONFIRM, TEXT_DISTANCE
    from dslint.scan.text import text_prints

    base = (
        "are we still meeting for lunch at the station on friday, reply before noon so "
        "that we can book the table and the taxi for everyone"
    )
    texts = [
        base,
        base + " thanks",
        base.replace("lunch", "dinner"),
        "win a free laptop now, call this number to claim your prize today",
        " ".join(reversed(base.split())),
    ]
    words, grams = (from_signed(side) for side in zip(*map(text_prints, texts), strict=True))

    def apart(prints, i: int) -> int:
        return bin(int(prints[0]) ^ int(prints[i])).count("1")

    for edited in (1, 2):
        assert apart(words, edited) <= TEXT_DISTANCE and apart(grams, edited) <= TEXT_CONFIRM
    assert apart(words, 3) > 16  # another message
    assert apart(words, 4) == 0 and apart(grams, 4) > TEXT_CONFIRM  # same words, reversed


def test_a_split_column_found_by_content_is_never_taken_for_the_label(tmp_path: Path) -> None:
    """'fold' (train/valid) comes last and has few values, as a label does: it is the
    split, and the label is the other few-valued column."""
    rows = "".join(
        f"the film was {['good', 'bad', 'fine'][i % 3]} for reason {i},{'pn'[i % 2]},"
        f"{'valid' if i % 5 == 0 else 'train'}\n"
        for i in range(40)
    )
    (tmp_path / "reviews.csv").write_text("review,opinion,fold\n" + rows)
    dataset = discover(tmp_path)
    assert dataset.layout == (
        "table reviews.csv (label column 'opinion' by content, split column 'fold')"
    )
    assert sorted(dataset.splits) == ["train", "val"]


def test_a_table_read_in_many_blocks_has_the_facts_of_one_read_whole(
    tmp_path: Path, monkeypatch
) -> None:
    """The scan streams a table in blocks of rows: counts, categories, ranges, how well
    a column predicts the label and each row's hash must not depend on where the
    blocks fall (quartiles come from a sample, and are left out here)."""
    from dslint.discover import table_reader
    from dslint.scan.worker import ScanTarget, scan_file

    rows = [
        f'{i % 7},{(i * 37) % 1000 / 10},"{"red" if i % 3 else "blue"}, shade {i % 2}",'
        f"{'yes' if i % 7 > 3 else 'no'}"
        for i in range(3000)
    ]
    (tmp_path / "train.csv").write_text("grade,reading,colour,label\n" + "\n".join(rows) + "\n")
    scan = discover(tmp_path).table_columns["train.csv"]

    def facts() -> dict:
        found = scan_file(str(tmp_path), ScanTarget("train.csv", "table", scan))
        assert found.error is None
        stats = found.arrays[""]
        for column in stats["columns"].values():
            column.pop("quartiles", None)
            for key, value in column.items():  # sums in another order: the last digits
                column[key] = round(value, 9) if isinstance(value, float) else value
        return {k: v for k, v in stats.items() if k not in ("p50", "p99", "mean", "std")}

    whole = facts()
    monkeypatch.setattr(table_reader, "BLOCK", 1 << 12)
    monkeypatch.setattr(table_reader, "GROUP", 1 << 12)
    assert facts() == whole
    assert whole["columns"]["grade"]["predicts_label"] == 1.0  # grade > 3 is the label
    assert whole["columns"]["colour"]["categories"] == [
        "blue, shade 0",
        "blue, shade 1",
        "red, shade 0",
        "red, shade 1",
    ]
    assert len(set(whole["row_hashes"])) == len({r.rsplit(",", 1)[0] for r in rows})


def test_an_unchanged_table_s_probe_fit_comes_from_the_cache(
    tmp_path: Path,
) -> None:
    data = Path(__file__).parent.parent / "fixtures/S001-not-separable/pass-table-label-from-income"
    first = dslint.check(data / "data", cache_dir=tmp_path / "cache")
    forget(tmp_path / "cache")
    again = dslint.check(data / "data", cache_dir=tmp_path / "cache")
    (before,), (after,) = (r.datasets for r in (first, again))
    assert before.probe["provider"] == "table columns" and before.probe["features_computed"] == 60
    assert after.probe["provider"] == "cache" and after.probe["features_from_cache"] == 60
    assert after.probe["accuracy"] == before.probe["accuracy"]


def test_empty_and_repeated_column_names_are_named_as_pandas_names_them(tmp_path: Path) -> None:
    """A public spam.csv's header is `label,masseges,,,`: messages with commas spilled
    into three unnamed columns."""
    rows = "".join(
        f'{"spam" if i % 3 else "ham"},"message number {i} for you",{"x" if i == 4 else ""},,\n'
        for i in range(30)
    )
    (tmp_path / "spam.csv").write_text("label,masseges,,,\n" + rows)
    report = dslint.check(tmp_path, use_cache=False, probe=False, select=["T005"])
    (empty,) = report.findings
    assert empty.message.startswith(
        "train (spam.csv): 'Unnamed: 2' (29 of 30, 96.7 %), 'Unnamed: 3' (30 of 30, 100.0 %), "
        "'Unnamed: 4' (30 of 30, 100.0 %) are mostly empty"
    )


def test_a_table_without_a_header_row_keeps_its_first_row_as_data(tmp_path: Path) -> None:
    """A public winequality-red.csv starts with `7.4,0.7,0,...,5`: a wine, not names."""
    rows = "".join(f"{7 + i % 5 / 10},{0.5 + i % 7 / 10},{3 + i % 4}\n" for i in range(40))
    (tmp_path / "wine.csv").write_text(rows)
    dataset = discover(tmp_path)
    assert dataset.layout == (
        "table wine.csv (label column 'column 3' by content; no header row, columns "
        "numbered: wine.csv)"
    )
    assert len(dataset.samples) == 40


def test_tables_with_their_labels_apart_are_read_row_for_row(tmp_path: Path) -> None:
    """train.csv beside train_labels.csv: each row's label is that row of the labels'
    table; a column that copies the label is named (S004), a relabelling rescans the
    table, and the repairs, which would pair rows wrongly, refuse with one line."""
    import shutil

    from tests.helpers import run_cli

    data = tmp_path / "data"
    shutil.copytree(LAYOUTS / "labels-apart/data", data)
    cache = tmp_path / "cache"
    first = dslint.check(data, cache_dir=cache, probe=False)
    assert [
        (f.rule_id, f.evidence.get("column")) for f in first.findings if f.rule_id == "S004"
    ] == [("S004", "Contract")]
    labels = data / "train_labels.csv"
    labels.write_text("Churn\n" + "".join(f"{i % 2}\n" for i in range(45)))  # no longer 1 in 3
    again = dslint.check(data, cache_dir=cache, probe=False)
    assert again.scan["from_cache"] == 1  # test.csv; train.csv's facts hang on its labels
    assert not [f for f in again.findings if f.rule_id == "S004" and f.split in (None, "train")]
    for command in ("fix", "split"):
        refused = run_cli(command, data, "--out", tmp_path / command)
        assert refused.returncode == 2
        assert refused.stderr.startswith(
            f"dslint: error: dslint {command} does not rewrite tables whose labels lie apart"
        )
        assert not (tmp_path / command).exists()


def test_x_and_y_tables_pair_and_a_labels_table_of_other_length_does_not(tmp_path: Path) -> None:
    rows = "".join(f"{i},{i % 7}\n" for i in range(20))
    (tmp_path / "X_train.csv").write_text("a,b\n" + rows)
    (tmp_path / "y_train.csv").write_text("y\n" + "".join(f"{i % 2}\n" for i in range(20)))
    (tmp_path / "X_test.csv").write_text("a,b\n" + rows[:40])
    (tmp_path / "y_test.csv").write_text("y\n" + "".join(f"{i % 2}\n" for i in range(9)))
    dataset = discover(tmp_path)
    assert dataset.layout.startswith("tables with their labels apart: X_train.csv + y_train.csv;")
    assert dataset.table_labels == {"X_train.csv": "y_train.csv"}  # 9 labels for 10 rows: no
    assert sorted(s.label for s in dataset.samples) == [0] * 10 + [1] * 10


def test_a_diagnosis_column_is_the_label_by_its_header(tmp_path: Path) -> None:
    """HAM10000's metadata as repositories ship it, without its images: `dx` is the
    label, not `localization`, the last column of few values."""
    rows = "".join(
        f"HAM_{i:07d},ISIC_{i:07d},{['nv', 'mel', 'bkl'][i % 3]},{30 + i % 40},"
        f"{'back' if i % 2 else 'face'}\n"
        for i in range(30)
    )
    (tmp_path / "HAM10000_metadata.csv").write_text(
        "lesion_id,image_id,dx,age,localization\n" + rows
    )
    dataset = discover(tmp_path)
    assert dataset.layout.startswith("table HAM10000_metadata.csv (label column 'dx' by header")


def test_a_headerless_text_table_with_an_unquoted_comma_loses_one_row_not_the_table(
    tmp_path: Path,
) -> None:
    """A public spam.csv: no header (its first row is `ham,"Go until..."`, and `ham`
    recurs below it in its column), a row whose text has unquoted commas, and a text
    too long to be a file name that discovery must not take for a path."""
    data = Path(__file__).resolve().parent.parent / "fixtures/F001-unreadable-file"
    dataset = discover(data / "fail-table-row-with-unquoted-commas/data")
    assert "label column 'column 1' by content; no header row" in dataset.layout
    assert {s.label for s in dataset.samples} == {"ham", "spam"}
    assert len(dataset.samples) == 59
    ((table, rows),) = dataset.malformed_rows
    assert table == "spam.csv" and rows[0].endswith("(4 cells)")
    rows = [f'{label},"{"x" * 300}{i}"' for i, label in enumerate(["ham", "spam"] * 10)]
    (tmp_path / "data").mkdir()
    (tmp_path / "data/spam.csv").write_text("\n".join(rows) + "\n")
    image(tmp_path / "Report/plot.png", 1, "circle")  # beside it, as the repository has
    repository = discover(tmp_path)
    assert repository.root == str(tmp_path / "data")
    assert repository.layout.endswith("beside it in " + tmp_path.name + ", left out: Report/")
    assert {s.label for s in repository.samples} == {"ham", "spam"}


def test_a_second_table_of_one_split_is_left_out_and_named(tmp_path: Path) -> None:
    """A public sentiment repository's `data/`: `IMDB Dataset.csv` and
    `processed_data.csv`, the same reviews processed, neither named after a split. Both
    were counted as train while only the second was scanned."""
    rows = [f"review number {i} was {'great' if i % 2 else 'awful'}" for i in range(20)]
    labels = ["positive" if i % 2 else "negative" for i in range(20)]
    (tmp_path / "IMDB Dataset.csv").write_text(
        "review,sentiment\n" + "".join(f"{r},{s}\n" for r, s in zip(rows, labels, strict=True))
    )
    (tmp_path / "processed_data.csv").write_text(
        "review,sentiment,processed_text\n"
        + "".join(f"{r},{s},{r.lower()}\n" for r, s in zip(rows, labels, strict=True))
    )
    report = dslint.check(tmp_path, use_cache=False, probe=False, select=["F007"])
    assert report.datasets[0].layout == (
        "table IMDB Dataset.csv (label column 'sentiment' by header); "
        "other tables left out: processed_data.csv"
    )
    assert report.datasets[0].samples == 20
    (finding,) = report.findings
    assert finding.message == (
        "processed_data.csv was not read: it would be a second table of train, which "
        "IMDB Dataset.csv is; name the split in each file's name or in a split column"
    )


def test_a_table_s_split_is_the_one_word_of_its_name_that_names_a_split(
    tmp_path: Path,
) -> None:
    """A public histopathology repository's `small_train_labels.csv` and
    `full_test_labels.csv`: train and test, not two tables of train."""
    for name, count in (("small_train_labels.csv", 6), ("full_test_labels.csv", 4)):
        rows = "".join(f"{i}.{name},{i % 2},{i * 0.5}\n" for i in range(count))
        (tmp_path / name).write_text("id,label,size\n" + rows)
    dataset = discover(tmp_path)
    assert dataset.layout.startswith("table full_test_labels.csv, small_train_labels.csv")
    assert {split: sum(c.values()) for split, c in counts(dataset).items()} == {
        "train": 6,
        "test": 4,
    }
