"""After the check: `dslint fix` writes a repaired copy of a dataset (only unambiguous
repairs, each named and selectable) and `dslint split` a new split in which nothing
can leak. Both write a new folder and only ever read the dataset."""
