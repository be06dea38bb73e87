"""Synthetic quarterly workbooks of N budget lines: the tests' own (``tests/support/generate.py``),
run from here as before::

    python benchmarks/generate.py --help
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.generate import *  # noqa: F403
from tests.support.generate import main

if __name__ == "__main__":
    sys.exit(main())
