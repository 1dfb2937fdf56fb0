"""Frozen dataclasses built from the loaded nodes; no I/O."""
