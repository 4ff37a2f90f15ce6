"""Stage 1: a path, URL or manifest becomes a `Dataset` (layouts, manifests, arrays,
labels from names) over a local or remote tree."""
