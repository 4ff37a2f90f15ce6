"""Discovery recognises every layout of DESIGN.md §2 and says which it found."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dslint
from dslint.discover.layouts import discover, require_samples
from dslint.discover.manifest import Columns
from dslint.errors import DslintError
from dslint.model.dataset import (
    InvalidLabel,
    is_augmented,
    leaking_splits,
    split_family,
    split_sort_key,
)
from dslint.model.formats import extension
from tests.helpers import class_folders, image, run_cli


def counts(dataset) -> dict[str, dict]:
    return {split: dict(dataset.class_counts(split)) for split in dataset.splits}


def test_split_folder_aliases_map_to_train_val_test(tmp_path: Path) -> None:
    class_folders(tmp_path, {"training": {"a": 2}, "validation": {"a": 1}, "eval": {"a": 1}})
    dataset = discover(tmp_path)
    assert dataset.layout == "class folders in split folders"
    assert counts(dataset) == {"train": {"a": 2}, "val": {"a": 1}, "test": {"a": 1}}


def test_flat_class_folders_are_one_train_split(tmp_path: Path) -> None:
    class_folders(tmp_path, {"": {"cat": 2, "dog": 3}})
    dataset = discover(tmp_path)
    assert dataset.layout == "class folders (no split folders)"
    assert counts(dataset) == {"train": {"cat": 2, "dog": 3}}


def test_txt_files_beside_images_are_no_samples(tmp_path: Path) -> None:
    class_folders(tmp_path, {"train": {"cat": 2, "dog": 2}})
    (tmp_path / "train/cat/notes.txt").write_text("taken in 2021")
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels/0.txt").write_text("0 0.5 0.5 0.2 0.2")  # YOLO boxes
    dataset = discover(tmp_path)
    assert counts(dataset) == {"train": {"cat": 2, "dog": 2}}
    assert "texts" not in dataset.layout


def test_txt_files_in_class_folders_of_no_other_data_are_texts(tmp_path: Path) -> None:
    for split, label in (("train", "pos"), ("train", "neg"), ("test", "pos")):
        (tmp_path / split / label).mkdir(parents=True)
        (tmp_path / split / label / "1.txt").write_text(f"a {label} review")
    dataset = discover(tmp_path)
    assert dataset.layout == "class folders in split folders, .txt files as texts"
    assert counts(dataset) == {"train": {"neg": 1, "pos": 1}, "test": {"pos": 1}}


def test_an_unsup_folder_is_no_class_but_unlabelled_samples_of_its_split(
    tmp_path: Path,
) -> None:
    """IMDB ships `train/unsup/` beside `train/pos/` and `train/neg/`."""
    for folder in ("train/pos", "train/neg", "train/unsup", "test/pos", "test/neg"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "1.txt").write_text(f"a review from {folder}")
    dataset = discover(tmp_path)
    assert counts(dataset) == {"train": {"neg": 1, "pos": 1}, "test": {"neg": 1, "pos": 1}}
    assert [(s.path, s.label, s.split) for s in dataset.unlabelled] == [
        ("train/unsup/1.txt", None, "train")
    ]
    assert dataset.unused_folders == [
        ("train/unsup", 1, "without labels, as the folder's name says: compared for leaks only")
    ]


def test_class_folder_files_in_subfolders_belong_to_the_class(tmp_path: Path) -> None:
    image(tmp_path / "train/cat/2021/a.png")
    image(tmp_path / "train/cat/b.jpg", fmt="JPEG")
    assert counts(discover(tmp_path)) == {"train": {"cat": 2}}


def test_manifest_with_header_and_split_column(tmp_path: Path) -> None:
    image(tmp_path / "img/1.png")
    image(tmp_path / "img/2.png", seed=1)
    (tmp_path / "meta.csv").write_text(
        "filename,class,subset\nimg/1.png,cat,training\nimg/2.png,dog,valid\n"
    )
    dataset = discover(tmp_path)
    assert dataset.layout == "manifest meta.csv (columns 'filename', 'class', 'subset')"
    assert counts(dataset) == {"train": {"cat": 1}, "val": {"dog": 1}}


def test_headerless_reference_csv_names_without_extension(tmp_path: Path) -> None:
    (tmp_path / "a0001.wav").write_bytes(b"RIFF")
    (tmp_path / "a0002.wav").write_bytes(b"RIFF")
    (tmp_path / "REFERENCE.csv").write_text("a0001,-1\na0002,1\n")
    dataset = discover(tmp_path)
    assert dataset.layout == "manifest REFERENCE.csv (header-less name,label)"
    assert sorted((s.path, s.label) for s in dataset.samples) == [
        ("a0001.wav", -1),
        ("a0002.wav", 1),
    ]


def test_physionet_folders_each_with_a_reference_csv_are_read_together(
    tmp_path: Path,
) -> None:
    """PhysioNet 2016 ships training-a/ … training-f/ and validation/, each with its
    own REFERENCE.csv naming the recordings beside it without extension."""
    for folder, names in {"training-a": ("a0001", "a0002"), "validation": ("a0001",)}.items():
        for name in names:
            (tmp_path / folder).mkdir(exist_ok=True)
            (tmp_path / folder / f"{name}.wav").write_bytes(b"RIFF")
        rows = "".join(f"{name},{1 if i else -1}\n" for i, name in enumerate(names))
        (tmp_path / folder / "REFERENCE.csv").write_text(rows)
    dataset = discover(tmp_path)
    assert dataset.layout == (
        "manifest training-a/REFERENCE.csv (header-less name,label), "
        "validation/REFERENCE.csv (header-less name,label)"
    )
    assert sorted((s.split, s.path, s.label) for s in dataset.samples) == [
        ("train", "training-a/a0001.wav", -1),
        ("train", "training-a/a0002.wav", 1),
        ("val", "validation/a0001.wav", -1),
    ]
    assert dataset.missing_files == []


def test_a_manifest_in_one_class_folder_does_not_turn_classes_into_manifests(
    tmp_path: Path,
) -> None:
    class_folders(tmp_path, {"train": {"cat": 2, "dog": 2}})
    (tmp_path / "train/cat/notes.csv").write_text("path,label\n0.png,cat\n")
    assert discover(tmp_path).layout == "class folders in split folders"
    flat = tmp_path / "train"
    assert discover(flat).layout == "class folders (no split folders)"


def test_tsv_manifest_and_split_from_path(tmp_path: Path) -> None:
    image(tmp_path / "train/x.png")
    image(tmp_path / "test/y.png", seed=2)
    (tmp_path / "labels.tsv").write_text("path\tlabel\ntrain/x.png\t0\ntest/y.png\t1\n")
    assert counts(discover(tmp_path)) == {"train": {0: 1}, "test": {1: 1}}


def test_manifests_named_after_splits_are_read_together(tmp_path: Path) -> None:
    image(tmp_path / "a.png")
    image(tmp_path / "b.png", seed=3)
    (tmp_path / "train.csv").write_text("path,label\na.png,0\n")
    (tmp_path / "val.csv").write_text("path,label\nb.png,1\n")
    assert counts(discover(tmp_path)) == {"train": {0: 1}, "val": {1: 1}}


def test_two_unrelated_manifests_ask_the_user_to_choose(tmp_path: Path) -> None:
    image(tmp_path / "a.png")
    (tmp_path / "one.csv").write_text("path,label\na.png,0\n")
    (tmp_path / "two.csv").write_text("path,label\na.png,1\n")
    with pytest.raises(DslintError, match="choose one with --manifest"):
        discover(tmp_path)
    assert counts(discover(tmp_path, manifest=tmp_path / "two.csv")) == {"train": {1: 1}}


def test_manifest_with_missing_label_column_is_an_error_naming_columns(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("path,weight\na.png,1\n")
    with pytest.raises(DslintError, match=r"no label column among path, weight \(name it with"):
        discover(tmp_path / "m.csv")


def test_manifest_with_quoted_newline_in_a_cell(tmp_path: Path) -> None:
    image(tmp_path / "a.png")
    (tmp_path / "m.csv").write_text('path,label,note\na.png,cat,"two\nlines"\n')
    assert counts(discover(tmp_path / "m.csv")) == {"train": {"cat": 1}}


def test_npy_pairs(tmp_path: Path) -> None:
    np.save(tmp_path / "x_train.npy", np.zeros((4, 3)))
    np.save(tmp_path / "y_train.npy", np.array([0, 1, 1, 0]))
    np.save(tmp_path / "x_val.npy", np.zeros((2, 3)))
    np.save(tmp_path / "y_val.npy", np.array([1.0, 0.0]))
    dataset = discover(tmp_path)
    assert dataset.layout.startswith("NumPy arrays")
    assert counts(dataset) == {"train": {0: 2, 1: 2}, "val": {0: 1, 1: 1}}
    assert dataset.array_inputs == {"train": ("x_train.npy", None), "val": ("x_val.npy", None)}


def test_keras_style_npz_with_one_hot_labels(tmp_path: Path) -> None:
    np.savez(
        tmp_path / "mnist.npz",
        x_train=np.zeros((3, 2)),
        y_train=np.eye(3),
        x_test=np.zeros((1, 2)),
        y_test=np.array([[0, 0, 1]]),
    )
    dataset = discover(tmp_path / "mnist.npz")
    assert counts(dataset) == {"train": {0: 1, 1: 1, 2: 1}, "test": {2: 1}}


def test_object_arrays_are_reported_never_unpickled(tmp_path: Path) -> None:
    np.save(tmp_path / "x_train.npy", np.zeros((2, 2)))
    np.save(tmp_path / "y_train.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    dataset = discover(tmp_path)
    assert dataset.samples == []
    assert dataset.unreadable_arrays == [
        ("y_train.npy", "object array: loading it would unpickle code, which dslint refuses")
    ]


def test_nan_and_fractional_array_labels_stay_visible(tmp_path: Path) -> None:
    np.save(tmp_path / "x_train.npy", np.zeros((3, 1)))
    np.save(tmp_path / "y_train.npy", np.array([0.0, np.nan, 0.5]))
    labels = [s.label for s in discover(tmp_path).samples]
    assert labels == [0, InvalidLabel("nan", "NaN"), 0.5]


def test_hidden_and_tool_folders_are_recorded_not_walked(tmp_path: Path) -> None:
    class_folders(tmp_path, {"train": {"cat": 1}})
    image(tmp_path / "train/.ipynb_checkpoints/x.png")
    image(tmp_path / "train/cat/.ipynb_checkpoints/y.png")
    dataset = discover(tmp_path)
    assert len(dataset.samples) == 1
    assert sorted(dataset.stray_dirs) == [
        ("train/.ipynb_checkpoints", "class", 1),
        ("train/cat/.ipynb_checkpoints", "inside", 1),
    ]


def test_symlink_loops_are_not_followed(tmp_path: Path) -> None:
    class_folders(tmp_path, {"train": {"cat": 2}})
    os.symlink(tmp_path / "train", tmp_path / "train/cat/loop")
    os.symlink(tmp_path / "train/cat/self", tmp_path / "train/cat/self")
    assert counts(discover(tmp_path)) == {"train": {"cat": 2}}


def test_exclude_patterns_drop_matching_files(tmp_path: Path) -> None:
    class_folders(tmp_path, {"train": {"cat": 2, "dog": 2}})
    assert counts(discover(tmp_path, exclude=("train/dog/*",))) == {"train": {"cat": 2}}


@pytest.mark.parametrize(
    ("what", "message"),
    [
        ("nothing", "no dataset found"),
        ("loose files", "1 data file in .* \\(first: a.png\\) but no class folders, so no labels"),
    ],
)
def test_folders_without_a_dataset_are_an_error(tmp_path: Path, what: str, message: str) -> None:
    if what == "loose files":
        image(tmp_path / "a.png")
    with pytest.raises(DslintError, match=message):
        discover(tmp_path)


@given(st.text(alphabet="./aJ_ ", max_size=12))
def test_extensions_are_those_os_path_splitext_finds(name: str) -> None:
    assert extension(name) == os.path.splitext(name)[1].lower()


LAYOUTS = Path(__file__).resolve().parent.parent / "fixtures" / "_layouts"


@pytest.mark.parametrize(
    ("case", "layout", "expected"),
    [
        (
            "kaggle-nested-split-sets",
            "class folders in split folders (test_set → test, training_set → train)",
            {"train": {"cat": 4, "dog": 4}, "test": {"cat": 2, "dog": 2}},
        ),
        (
            "capitalised-training-testing",
            "class folders in split folders",
            {"train": {"cat": 4, "dog": 4}, "test": {"cat": 2, "dog": 2}},
        ),
        (
            "intel-seg-train-seg-test",
            "class folders in split folders (seg_test → test, seg_train → train)",
            {"train": {"bird": 4, "cat": 4}, "test": {"bird": 2, "cat": 2}},
        ),
        (
            "upper-case-train-dev",
            "class folders in split folders",
            {"train": {"cat": 4, "dog": 4}, "val": {"cat": 2, "dog": 2}},
        ),
        (
            "unnamed-folds",
            "class folders in split folders (fold1, fold2 as splits of their own names, "
            "sharing their classes)",
            {"fold1": {"cat": 3, "dog": 3}, "fold2": {"cat": 3, "dog": 3}},
        ),
        (
            "augmented-train-beside-test",
            "class folders in split folders (train_augmented as more of train, not a leak of it)",
            {
                "train": {"cat": 3, "dog": 3},
                "train_augmented": {"cat": 6, "dog": 6},
                "test": {"cat": 2, "dog": 2},
            },
        ),
        (
            "zip-wrapper",
            "class folders in split folders",
            {"train": {"cat": 4, "dog": 4}, "val": {"cat": 2, "dog": 2}},
        ),
        (
            "labels-in-file-names",
            "labels in file names in split folders, part 1 of names like dog.1.jpg ('dog')",
            {"train": {"cat": 4, "dog": 4}, "test": {"cat": 2, "dog": 2}},
        ),
        (
            "names-in-sized-folders",
            "labels in file names in split folders, part 1 of names like dog.1.jpg ('dog')",
            {
                "test": {"cat": 2, "dog": 2},
                "100": {"cat": 2, "dog": 2},
                "pre-train": {"cat": 4, "dog": 4},
            },
        ),
        (
            "kaggle-train-test-csv",
            "table test.csv, train.csv (label column 'Survived' by content (the column test.csv "
            "lacks); identifiers left out: 'PassengerId')",
            {"train": {0: 24, 1: 16}},
        ),
        (
            "one-tsv-with-split-column",
            "table flowers.tsv (label column 'species' by content, split column 'fold')",
            {
                "train": {"setosa": 8, "versicolor": 8, "virginica": 8},
                "val": {"setosa": 2, "versicolor": 2, "virginica": 2},
            },
        ),
        (
            "train-test-parquet",
            "table test.parquet, train.parquet (label column 'species' by content)",
            {
                "train": {"setosa": 8, "versicolor": 8, "virginica": 8},
                "test": {"setosa": 3, "versicolor": 3, "virginica": 3},
            },
        ),
        (
            "messages-jsonl",
            "table train.jsonl (label column 'label' by header)",
            {"train": {"ham": 30, "spam": 30}},
        ),
        (
            "reviews-txt-class-folders",
            "class folders in split folders, .txt files as texts",
            {"train": {"neg": 12, "pos": 12}, "test": {"neg": 6, "pos": 6}},
        ),
        (
            "labels-apart",
            "tables with their labels apart: test.csv + test_labels.csv, train.csv + "
            "train_labels.csv; other tables left out: churn_raw.csv",
            {"train": {0: 30, 1: 15}, "test": {0: 10, 1: 5}},
        ),
        (
            "tables-in-a-folder-beside-readme",
            "table test.csv, train.csv (label column 'Churn' by content)",
            {"train": {0: 30, 1: 15}, "test": {0: 10, 1: 5}},
        ),
        (
            "dataset-folder-beside-code",
            "manifest labels.csv (columns 'id', 'label'); beside it in data, left out: Code/, "
            "Exemple Photo/",
            {"train": {0: 6, 1: 6}},
        ),
        (
            "manifest-paths-written-on-windows",
            "manifest test.csv (columns 'Image_Path', 'Label'), train.csv (columns 'Image_Path', "
            "'Label'); 16 paths written from elsewhere, matched by the tail that lies here "
            "(./dataset/test\\cat\\0.png → test/cat/0.png)",
            {"train": {"cat": 6, "dog": 6}, "test": {"cat": 2, "dog": 2}},
        ),
        (
            "split-folders-beside-outputs",
            "class folders in split folders (test_set → test, training_set → train); beside it "
            "in data, left out: cat_save/, 1 data file (accuracy_plot.png, …)",
            {"train": {"cats": 8, "dogs": 8}, "test": {"cats": 4, "dogs": 4}},
        ),
        (
            "numbered-ids-without-zeros",
            "manifest labels.csv (columns 'id', ' hemorrhage' (label chosen by content))",
            {"train": {0: 6, 1: 6}},
        ),
        (
            "spoken-digits",
            "labels in file names, part 1 of names like 2_nicolas_0.wav ('2')",
            {"train": {"0": 6, "1": 6, "2": 6}},
        ),
    ],
)
def test_public_dataset_layouts_are_read_as_shipped(case: str, layout: str, expected: dict) -> None:
    dataset = discover(LAYOUTS / case / "data")
    assert dataset.layout == layout
    assert counts(dataset) == expected
    assert dataset.stray_files == [] and dataset.unused_folders == []


@pytest.mark.parametrize(
    ("split", "family"),
    [
        ("train", "train"),
        ("train_augmented", "train"),
        ("extra-train", "train"),
        ("augmented", "train"),
        ("Augmentations", "train"),
        ("extra", "train"),
        ("Validation_small", "val"),
        ("test2_hard", "test"),
        ("trainval", "trainval"),
        ("train_val", "train_val"),
        ("fold3", "fold3"),
    ],
)
def test_a_split_named_as_more_of_another_belongs_to_its_family(split: str, family: str) -> None:
    assert split_family(split) == family


def test_copies_leak_only_between_families_the_later_one_leaking() -> None:
    assert leaking_splits({"train", "train_augmented"}) == []
    assert leaking_splits({"train_augmented", "test"}) == ["test"]
    assert leaking_splits({"test", "train", "train_augmented", "val"}) == ["val", "test"]
    assert leaking_splits({"fold2", "fold1"}) == ["fold2"]
    ordered = sorted(["test", "zeta", "train_augmented", "val", "train"], key=split_sort_key)
    assert ordered == ["train", "train_augmented", "val", "test", "zeta"]
    beside_train = sorted(["augmented", "val", "train"], key=split_sort_key)
    assert beside_train == ["train", "augmented", "val"]
    assert leaking_splits({"augmented", "train", "val"}) == ["val"]
    assert is_augmented("train_aug") and is_augmented("Augmented")
    assert not is_augmented("extra") and not is_augmented("train")


def test_an_augmented_folder_beside_train_is_training_data_not_a_leak(tmp_path: Path) -> None:
    class_folders(tmp_path, {"train": {"cat": 3, "dog": 3}, "val": {"cat": 2, "dog": 2}})
    for picture in sorted(tmp_path.glob("train/*/*.png")):
        copy = tmp_path / "augmented" / picture.parent.name / f"copy_{picture.name}"
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(picture, copy)
    shutil.copy(tmp_path / "train/dog/0.png", tmp_path / "val/dog/leaked.png")
    report = dslint.check(tmp_path, select=["D001"], probe=False, use_cache=False)
    (summary,) = report.datasets
    assert "augmented as more of train, not a leak of it" in summary.layout
    assert list(summary.splits) == ["train", "augmented", "val"]
    (leak,) = report.findings
    assert (leak.rule_id, leak.split) == ("D001", "val")
    assert leak.message.startswith("1 of 5 val samples (20.0 %) also appear in train")
    assert leak.paths == ("augmented/dog/copy_0.png", "train/dog/0.png", "val/dog/leaked.png")


def test_a_lone_wrapper_folder_is_the_dataset(tmp_path: Path) -> None:
    dataset = discover(LAYOUTS / "zip-wrapper/data")
    assert dataset.root == str(LAYOUTS / "zip-wrapper/data/dataset")
    nested = discover(LAYOUTS / "two-wrappers/data")
    assert nested.root == str(LAYOUTS / "two-wrappers/data/digits-dataset/digits")
    assert counts(nested) == {"train": {"cat": 3, "dog": 3}, "test": {"cat": 2, "dog": 2}}


def test_a_notebook_folder_among_name_labelled_files_is_reported(tmp_path: Path) -> None:
    for name in ("cat.1.png", "cat.2.png", "dog.1.png", "dog.2.png"):
        image(tmp_path / "train" / name)
    (tmp_path / "train/.ipynb_checkpoints").mkdir()
    assert discover(tmp_path).stray_dirs == [("train/.ipynb_checkpoints", "class", 0)]


def test_a_lone_class_folder_is_not_a_wrapper(tmp_path: Path) -> None:
    class_folders(tmp_path, {"": {"cat": 2}})
    assert discover(tmp_path).layout == "class folders (no split folders)"


def test_a_folder_beside_the_splits_with_other_classes_is_left_out_and_counted() -> None:
    data = Path(__file__).resolve().parent.parent / "fixtures/F007-unused-data"
    dataset = discover(data / "fail-breeds-beside-the-splits/data")
    assert dataset.unused_folders == [
        (
            "breed_dataset",
            6,
            "that were not checked: not a split, its folders are not the splits' classes",
        )
    ]
    assert counts(dataset) == {"train": {"cat": 4, "dog": 4}, "test": {"cat": 2, "dog": 2}}


def test_the_fix_for_a_folder_left_out_is_a_command_that_runs_from_here(tmp_path: Path) -> None:
    """The dataset's root as given, then the folder: `dslint check breed_dataset` ran
    from the repository above `dataset/` finds nothing."""
    data = Path(__file__).resolve().parent.parent / "fixtures/F007-unused-data"
    copy = shutil.copytree(data / "fail-breeds-beside-the-splits/data", tmp_path / "data")
    (finding,) = dslint.check(copy, select=["F007"], use_cache=False).findings
    command = f"dslint check {copy}/breed_dataset"
    assert f"Check breed_dataset on its own ({command})" in finding.fix
    assert run_cli(*command.split()[1:]).returncode in (0, 1)


def test_label_from_name_reads_label_and_split_from_the_path() -> None:
    dataset = discover(
        LAYOUTS / "names-in-sized-folders/data",
        label_from_name=r"(?P<split>test|100)/(?P<label>cat|dog)\.\d",
    )
    assert counts(dataset) == {"test": {"cat": 2, "dog": 2}, "100": {"cat": 2, "dog": 2}}
    assert sorted(dataset.stray_files)[:1] == ["pre-train/cat.0.jpg"]  # no match: unlabelled
    assert len(dataset.stray_files) == 8


@pytest.mark.parametrize(
    ("names", "label"),
    [
        (["cat.1.jpg", "cat.2.jpg", "dog.1.jpg", "dog.2.jpg"], ["cat", "cat", "dog", "dog"]),
        (
            [f"{d}_{s}_{t}.wav" for d in range(10) for s in ("jackson", "theo") for t in range(3)],
            [str(d) for d in range(10) for _ in range(6)],
        ),
    ],
)
def test_the_label_is_the_first_name_part_with_few_values(names: list[str], label: list) -> None:
    from dslint.discover.name_labels import inferred

    pattern = inferred(names)
    assert [pattern.read(name)[0] for name in names] == label


@pytest.mark.parametrize(
    "names",
    [
        [f"IMG_{i:04d}.jpg" for i in range(20)],  # a counter
        [f"IMG_2019010{i % 3}_{i:06d}.jpg" for i in range(30)],  # dates and counters
        ["a.jpg", "b.jpg"],  # one part
    ],
)
def test_names_without_a_label_part_give_no_labels(names: list[str]) -> None:
    from dslint.discover.name_labels import inferred

    assert inferred(names) is None


def test_a_label_pattern_without_a_label_group_is_a_one_line_error() -> None:
    with pytest.raises(DslintError, match="needs a group named label"):
        discover(LAYOUTS / "labels-in-file-names/data", label_from_name=r"(?P<kind>cat)")


@pytest.mark.parametrize(
    ("folds", "split_counts"),
    [
        (["train", "train", "train", "valid"], {"train": 3, "val": 1}),
        (["0", "1", "2", "3"], {"train": 4}),  # numbered folds are no split
    ],
)
def test_a_column_of_split_names_is_the_split_whatever_its_header(
    tmp_path: Path, folds: list[str], split_counts: dict[str, int]
) -> None:
    rows = ["image_file,category,fold"]
    for i, fold in enumerate(folds):
        rows.append(f"{image(tmp_path / f'imgs/{i}.png', seed=i).relative_to(tmp_path)},a,{fold}")
    (tmp_path / "files.csv").write_text("\n".join(rows) + "\n")
    dataset = discover(tmp_path)
    assert {split: sum(c.values()) for split, c in counts(dataset).items()} == split_counts
    by_content = "path and split" if len(split_counts) > 1 else "path"
    assert dataset.layout.endswith(f"({by_content} chosen by content))")


def test_a_manifest_with_any_column_names_is_read_by_content() -> None:
    """Kaggle's dog breeds: labels.csv `id,breed` naming train/<id>.jpg, an unlabelled
    test/, and sample_submission.csv, which is no manifest."""
    dataset = discover(LAYOUTS / "kaggle-dog-breeds/data")
    assert dataset.layout == "manifest labels.csv (columns 'id', 'breed' (label chosen by content))"
    assert counts(dataset) == {"train": {"bird": 4, "cat": 4, "dog": 4}}
    assert dataset.unused_files == [
        (
            "sample_submission.csv",
            "one numeric column per class and no label column: a submission or prediction "
            "template, not labels",
        )
    ]
    assert dataset.unused_folders == [
        ("test", 4, "that no manifest row names: without labels, they were compared for leaks only")
    ]
    assert {s.split for s in dataset.unlabelled} == {"unlabelled test"}
    assert {s.label for s in dataset.unlabelled} == {None}


def test_columns_named_by_the_user_win(tmp_path: Path) -> None:
    dataset = discover(
        LAYOUTS / "kaggle-dog-breeds/data", columns=Columns(path="id", label="breed")
    )
    assert dataset.layout == "manifest labels.csv (columns 'id', 'breed')"
    with pytest.raises(DslintError, match=r"labels.csv: no column 'kind' for --label-column"):
        discover(LAYOUTS / "kaggle-dog-breeds/data", columns=Columns(label="kind"))


def test_a_manifest_naming_files_above_its_folder_reaches_them() -> None:
    data = LAYOUTS / "manifest-beside-the-images/data"
    dataset = discover(data / "meta/labels.csv")
    assert dataset.root == str(data)
    assert dataset.layout == "manifest meta/labels.csv (columns 'path', 'label')"
    assert counts(dataset) == {"train": {"cat": 3, "dog": 3}}
    assert sorted(s.path for s in dataset.samples)[0] == "images/cat0.png"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "it is empty"),
        ("a,b,c\n1,2,3\n", "no column names files of the dataset (its first row: 'a', 'b', 'c')"),
        (
            "path,weight\nx.png,1\n",
            "no label column among path, weight (name it with --label-column)",
        ),
        (
            "id,cat,dog,bird\nx,0.3,0.3,0.4\n",
            "one numeric column per class and no label column: a submission or prediction "
            "template, not labels",
        ),
        (
            "x.png,cat,1\n",
            "no header naming path and label columns, and 3 columns, so it cannot be read as "
            "name,label",
        ),
    ],
    ids=["empty", "no paths", "no labels", "submission template", "three columns, no header"],
)
def test_every_table_passed_over_says_why(tmp_path: Path, text: str, reason: str) -> None:
    class_folders(tmp_path, {"train": {"cat": 2, "dog": 2}})
    image(tmp_path / "x.png")
    (tmp_path / "table.csv").write_text(text)
    dataset = discover(tmp_path)
    assert dataset.layout == "class folders in split folders"
    assert dataset.unused_files == [("table.csv", reason)]


def test_a_table_that_is_not_utf8_is_passed_over_with_why(tmp_path: Path) -> None:
    class_folders(tmp_path, {"train": {"cat": 2, "dog": 2}})
    (tmp_path / "table.csv").write_bytes("path,label\ncafé.png,chat\n".encode("latin-1"))
    (reason,) = [why for _, why in discover(tmp_path).unused_files]
    assert reason.startswith("it is not UTF-8 text (invalid continuation byte at byte")


def test_a_manifest_naming_a_file_by_its_bare_name_finds_it_in_a_subfolder(tmp_path: Path) -> None:
    """As a public cat-breeds set ships it: cat_labels.csv `Cat1.jpg,Abyssinian` for
    train/Cat1.jpg."""
    breeds = ["Abyssinian", "Bengal"] * 2
    for i in range(len(breeds)):
        image(tmp_path / f"train/Cat{i}.jpg", seed=i, fmt="JPEG")
    rows = "".join(f"Cat{i}.jpg,{label}\n" for i, label in enumerate(breeds))
    (tmp_path / "cat_labels.csv").write_text("id,breed\n" + rows)
    dataset = discover(tmp_path)
    assert counts(dataset) == {"train": {"Abyssinian": 2, "Bengal": 2}}
    assert dataset.missing_files == []


def test_a_manifest_with_semicolons_names_its_files_in_a_subfolder(tmp_path: Path) -> None:
    """As GTSRB ships its test set: Final_Test/GT-final_test.csv, semicolons between
    its cells (`Filename;Width;Height;ClassId`), naming Images/00000.ppm by its bare
    name. Read as a comma CSV it was one column, no manifest, and Images/ one class."""
    for i in range(4):
        image(tmp_path / f"Images/{i:05d}.png", seed=i)
    rows = "".join(f"{i:05d}.png;32;32;{i % 2 + 14}\n" for i in range(4))
    (tmp_path / "GT-final_test.csv").write_text("Filename;Width;Height;ClassId\n" + rows)
    dataset = discover(tmp_path)
    assert dataset.layout.startswith("manifest GT-final_test.csv (columns 'Filename', 'ClassId')")
    assert counts(dataset) == {"train": {14: 2, 15: 2}}
    assert dataset.missing_files == []


def test_gtsrb_s_split_folders_one_of_class_folders_one_labelled_by_its_manifest(
    tmp_path: Path,
) -> None:
    """GTSRB as shipped: Final_Training/Images/00000/ … (class folders under an
    Images/ folder), and Final_Test/GT-final_test.csv (semicolons, `ClassId`) naming
    Final_Test/Images/00000.ppm. Final_ says nothing of the split; the class folders'
    numbers are the manifest's classes (`00001/` is class 1)."""
    for cls in range(2):
        for i in range(2):
            image(tmp_path / f"Final_Training/Images/{cls:05d}/{i:05d}_00000.png", seed=2 * cls + i)
        (tmp_path / f"Final_Training/Images/{cls:05d}/GT-{cls:05d}.csv").write_text(
            "Filename;ClassId\n"
        )
        image(tmp_path / f"Final_Test/Images/{cls:05d}.png", seed=10 + cls)
    (tmp_path / "Final_Test/GT-final_test.csv").write_text(
        "Filename;Width;Height;ClassId\n00000.png;32;32;0\n00001.png;32;32;1\n"
    )
    dataset = discover(tmp_path)
    assert dataset.layout == (
        "class folders in split folders (Final_Test → test, Final_Training → train); "
        "Final_Test labelled by Final_Test/GT-final_test.csv"
    )
    assert counts(dataset) == {"train": {0: 2, 1: 2}, "test": {0: 1, 1: 1}}
    assert dataset.label_source == "folder and manifest"
    assert dataset.missing_files == []


def test_absolute_paths_and_a_manifest_outside_the_dataset(tmp_path: Path) -> None:
    rows = []
    for i in range(4):
        label = "cat" if i % 2 else "dog"
        image(tmp_path / f"data/{label}{i}.png", seed=i)
        rows.append(f"data/{label}{i}.png,{label}\n")
    (tmp_path / "labels.csv").write_text("path,label\n" + "".join(rows))
    outside = discover(tmp_path / "data", manifest=tmp_path / "labels.csv")
    assert outside.root == str(tmp_path / "data")
    assert counts(outside) == {"train": {"cat": 2, "dog": 2}}
    (tmp_path / "meta").mkdir()
    absolute = "".join(f"{tmp_path}/{row}" for row in rows)
    (tmp_path / "meta/abs.csv").write_text("path,label\n" + absolute)
    dataset = discover(tmp_path / "meta/abs.csv")
    assert dataset.root == str(tmp_path)
    assert sorted(s.path for s in dataset.samples)[0] == "data/cat1.png"


def test_manifest_rows_through_links_are_read_only_inside_the_dataset(tmp_path: Path) -> None:
    """A row through a link to a folder outside the dataset is not read, as the walk
    does not follow it; one through `..` back inside, or a file link to a file inside,
    is (each folder resolved once, each file's own link looked at)."""
    image(tmp_path / "outside/cat9.png", seed=9)
    for i in range(4):
        image(tmp_path / f"data/pics/cat{i}.png", seed=i)
    (tmp_path / "data/away").symlink_to(tmp_path / "outside")
    (tmp_path / "data/pics/alias.png").symlink_to(tmp_path / "data/pics/cat3.png")
    rows = ["pics/cat0.png", "pics/../pics/cat1.png", "pics/alias.png", "away/cat9.png"]
    (tmp_path / "data/labels.csv").write_text("path,label\n" + "".join(f"{r},cat\n" for r in rows))
    dataset = discover(tmp_path / "data")
    assert sorted(s.path for s in dataset.samples if s.label) == [
        "pics/alias.png",
        "pics/cat0.png",
        "pics/cat1.png",
    ]
    from dslint.discover.tree import LocalTree

    tree = LocalTree(tmp_path / "data", False, lambda rel: False)
    for row in [*rows, "pics", "."]:
        path = tmp_path / "data" / row
        assert tree._real(path) == Path(os.path.realpath(path)), row


def test_inputs_named_after_their_features_pair_with_their_split_s_labels(tmp_path: Path) -> None:
    """X_train_yamnet.npy beside y_train.npy, as a public glass-break project saves its
    embeddings: the inputs of train; a second kind of them is named, not read."""
    import numpy as np

    labels = np.array([0, 1] * 10)
    for split, rows in (("train", 20), ("val", 6)):
        np.save(tmp_path / f"X_{split}_yamnet.npy", np.zeros((rows, 4), np.float32))
        np.save(tmp_path / f"y_{split}.npy", labels[:rows])
    np.save(tmp_path / "X_train_zfbank.npy", np.ones((20, 8), np.float32))
    dataset = discover(tmp_path)
    assert dataset.array_inputs == {
        "train": ("X_train_yamnet.npy", None),
        "val": ("X_val_yamnet.npy", None),
    }
    assert counts(dataset) == {"train": {0: 10, 1: 10}, "val": {0: 3, 1: 3}}
    assert dataset.unused_files == [
        ("X_train_zfbank.npy", "a second x_train array beside X_train_yamnet.npy, which is read")
    ]


def test_a_folder_of_data_beside_the_arrays_is_named_as_not_checked(tmp_path: Path) -> None:
    import numpy as np

    np.save(tmp_path / "x_train.npy", np.zeros((6, 4), np.float32))
    np.save(tmp_path / "y_train.npy", np.array([0, 1] * 3))
    class_folders(tmp_path / "recordings", {"": {"cat": 2, "dog": 1}})
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes/readme.txt").write_text("how the arrays were made\n")
    assert discover(tmp_path).unused_folders == [
        ("recordings", 3, "that were not checked: the NumPy arrays beside it are the dataset here")
    ]


def test_a_folder_without_labels_points_to_the_dataset_below_it(tmp_path: Path) -> None:
    """A repository as shipped (a public BBC news set): screenshots and a folder of code
    at the top, the texts in bbc/<topic>/*.txt below; the one-line error says where."""
    for topic in ("business", "sport"):
        for i in range(3):
            (tmp_path / "bbc" / topic).mkdir(parents=True, exist_ok=True)
            (tmp_path / "bbc" / topic / f"{i:03d}.txt").write_text(f"{topic} story {i}\n")
    image(tmp_path / "Screenshot_1.png")
    (tmp_path / "python file").mkdir()
    (tmp_path / "python file/train.py").write_text("# fits a model\n")
    with pytest.raises(DslintError) as raised:
        require_samples(discover(tmp_path))
    assert str(raised.value).endswith(
        f"; a dataset lies in {tmp_path / 'bbc'} (class folders (no split folders), .txt files "
        f"as texts; 6 samples): dslint check {tmp_path / 'bbc'}"
    )


def test_a_manifest_given_apart_names_files_of_the_dataset_folder(tmp_path: Path) -> None:
    """`dslint check audio --manifest meta/esc50.csv`, as ESC-50 lays them out: the
    rows name files of the folder checked, not of the manifest's."""
    names = [f"{label}{i}.png" for label in ("cat", "dog") for i in range(2)]
    for name in names:
        image(tmp_path / "audio" / name)
    (tmp_path / "meta").mkdir()
    (tmp_path / "meta/esc50.csv").write_text(
        "filename,category\n" + "".join(f"{n},{n[:3]}\n" for n in names)
    )
    dataset = discover(tmp_path / "audio", manifest=tmp_path / "meta/esc50.csv")
    assert dataset.missing_files == []
    assert counts(dataset) == {"train": {"cat": 2, "dog": 2}}


def test_one_hot_labels_are_read_as_the_column_marked(tmp_path: Path) -> None:
    """Kaggle's plant pathology: image_id and one 0/1 column per class. Each row's label
    is the column holding its 1; a repair refuses them with one line."""
    from tests.helpers import run_cli

    rows = []
    for i in range(12):
        image(tmp_path / "images" / f"Train_{i}.jpg")
        rows.append(f"Train_{i}," + ",".join("1" if j == i % 3 else "0" for j in range(3)))
    (tmp_path / "train.csv").write_text("image_id,healthy,rust,scab\n" + "\n".join(rows) + "\n")
    dataset = discover(tmp_path)
    assert dataset.layout.startswith(
        "manifest train.csv (columns 'image_id', one-hot 'healthy', 'rust', 'scab'"
    )
    assert counts(dataset) == {"train": {"healthy": 4, "rust": 4, "scab": 4}}
    refused = run_cli("fix", tmp_path, "--out", tmp_path.parent / "fixed")
    assert refused.returncode == 2
    assert "does not rewrite one-hot labels (train.csv) yet" in refused.stderr


def test_columns_of_zeros_and_ones_with_two_marks_in_a_row_are_no_one_hot_label(
    tmp_path: Path,
) -> None:
    rows = []
    for i in range(12):
        image(tmp_path / "images" / f"x{i}.png")
        rows.append(f"x{i},{i % 2},{int(i % 3 == 0)}")  # multi-label: some rows mark both
    (tmp_path / "labels.csv").write_text("image,cat,outdoor\n" + "\n".join(rows) + "\n")
    assert "one-hot" not in discover(tmp_path).layout


def test_a_manifest_of_paths_from_the_author_s_machine_names_the_files_here(
    tmp_path: Path,
) -> None:
    """Absolute paths from Colab or Windows, in a column chosen by its content: the
    longest tail of each that lies under the manifest's folder is the file."""
    class_folders(tmp_path / "images", {"": {"cat": 3, "dog": 3}})
    rows = [
        f"/content/drive/MyDrive/project/images/{label}/{i}.png,{label}"
        if label == "cat"
        else f"C:\\Users\\me\\project\\images\\{label}\\{i}.png,{label}"
        for label in ("cat", "dog")
        for i in range(3)
    ]
    (tmp_path / "labels.csv").write_text("taken_at,kind\n" + "\n".join(rows) + "\n")
    dataset = discover(tmp_path)
    assert dataset.layout.startswith("manifest labels.csv (columns 'taken_at', 'kind'")
    assert not dataset.missing_files
    assert counts(dataset) == {"train": {"cat": 3, "dog": 3}}
