"""Derma Evidence: evidence knowledge bases as checked data (claims, sources, verdicts, certainty) and a static site.

Pipeline, one direction: ``load`` -> ``contract`` -> ``model`` -> ``grade`` -> ``rules`` -> ``pipeline`` ->
``report``/``citations`` -> ``render``/``export`` -> ``site`` -> ``commands``
(tests/architecture/test_architecture.py holds it).
"""

__version__ = "0.1.0"
