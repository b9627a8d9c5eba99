"""Entry point: ``python -m grading``."""

import sys

from grading.cli import main

sys.exit(main())
