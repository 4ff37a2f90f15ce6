"""dslint's built-in rules, one module per rule, registered as the `builtin` entry of
the `dslint.rules` entry-point group and found here with pkgutil."""
