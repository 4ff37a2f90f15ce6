"""Stage 2: one parallel pass computes every file's facts (decoders, the worker, the
local and Dask executors, and the facts cache)."""
