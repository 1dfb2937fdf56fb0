"""Derma Evidence: evidence knowledge bases as checked data (claims, sources, verdicts, certainty) and a static site.

Pipeline, one direction: ``load`` -> ``model`` -> ``rules`` -> ``render`` -> ``site``/``exports``.
"""

__version__ = "0.1.0"
