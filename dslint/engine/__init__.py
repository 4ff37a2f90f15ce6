"""The public plugin contract: `Rule`, `Finding`, `Option`, `Context` (with the shared
analyses a rule may ask for), the rule registry, and the wording helpers for messages."""
