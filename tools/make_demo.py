"""Write the demo class that `make grade` grades by default (grading/demo/submitted/).

Usage: python tools/make_demo.py
"""

import pathlib
import shutil
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.submissions import write_demo_class  # noqa: E402

if __name__ == "__main__":
    target = REPO / "grading" / "demo" / "submitted"
    shutil.rmtree(target, ignore_errors=True)
    write_demo_class(target)
