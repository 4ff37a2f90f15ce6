"""Analyses the rules share, each computed once per check: duplicate and near-duplicate
groups, fingerprints, value statistics, statistical tests, and the separability probe."""
