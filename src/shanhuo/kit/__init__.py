"""Leaf shared kernel: imports no domain (checked by import-linter)."""
