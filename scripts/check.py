#!/usr/bin/env python3
"""Check data/claims.yaml and references.bib. Same as `derma check`; see `--help`."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from derma_evidence.commands.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["check", *sys.argv[1:]]))
