"""Pure data shared by every stage: the dataset and its samples, the facts of one
file, the declared file formats, and the report."""
