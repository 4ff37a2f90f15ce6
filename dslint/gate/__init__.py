"""What decides which rules run and which findings count: the configuration, the
baseline of accepted findings, and `--since`."""
