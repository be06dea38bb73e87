"""The independent check of a report's JSON against its input: the tests' own (``tests/support/verify.py``),
run from here as before::

    python benchmarks/verify.py --help
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.verify import *  # noqa: F403
from tests.support.verify import main

if __name__ == "__main__":
    sys.exit(main())
