"""Derma Evidence: an evidence knowledge base on microneedling for pattern hair loss.

Pipeline, one direction: ``load`` -> ``model`` -> ``rules`` -> ``render`` -> ``site``/``exports``.
"""

__version__ = "0.1.0"
