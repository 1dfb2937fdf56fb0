"""`python -m derma_evidence ...`: the same as the `derma` command."""

import sys

from derma_evidence.commands.cli import main

if __name__ == "__main__":
    sys.exit(main())
