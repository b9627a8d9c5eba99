"""Write tests/colab/colab-packages.txt: Colab's versions of what the course uses there.

Google publishes the `pip freeze` of Colab's runtime in github.com/googlecolab/backend-info
(`pip-freeze.txt`). This keeps the packages the course's notebooks use on Colab (ROOTS) and
everything they depend on, each at Colab's version, as uv resolves them for Linux x86_64 and
Python 3.11 (the Python the Colab test runs; Colab's own is newer, see os-info.txt).

Usage: python tools/colab_packages.py PIP_FREEZE --commit SHA --date YYYY-MM-DD
       (PIP_FREEZE: backend-info's pip-freeze.txt at that commit; uv on PATH, or UV=path)
"""

import argparse
import os
import re
import subprocess
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "tests" / "colab" / "colab-packages.txt"
# What the notebooks import on Colab, the kernel, and pip (the Colab set-up cell runs it).
ROOTS = ["tensorflow", "keras", "numpy", "pandas", "matplotlib", "scikit-learn", "ipywidgets",
         "mlxtend", "ipykernel", "pip"]


def resolve(freeze, uv):
    """The ROOTS and their dependencies, pinned to the versions in ``freeze``."""
    with tempfile.TemporaryDirectory() as folder:
        roots = Path(folder) / "roots.in"
        roots.write_text("\n".join(ROOTS) + "\n")
        pins = Path(folder) / "colab.txt"  # `name @ url` lines cannot be constraints
        pins.write_text("".join(line + "\n" for line in freeze.read_text().splitlines()
                                if "==" in line and not line.startswith("#")))
        return subprocess.run(
            [uv, "pip", "compile", str(roots), "--constraint", str(pins), "--python-version",
             "3.11", "--python-platform", "x86_64-manylinux_2_28", "--no-header",
             "--no-annotate", "--quiet"],
            check=True, capture_output=True, text=True).stdout


def _name(line):
    return re.split(r"==| @ ", line, maxsplit=1)[0].strip().lower().replace("_", "-")


def marked(resolved, freeze):
    """``resolved`` with a note on every package Colab's list does not name (uv chose it)."""
    colab = {_name(line) for line in freeze.read_text().splitlines() if not line.startswith("#")}
    return "".join(line + ("" if _name(line) in colab else "  # not in Colab's list") + "\n"
                   for line in resolved.splitlines())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("freeze", type=Path)
    parser.add_argument("--commit", required=True, help="backend-info commit of the file")
    parser.add_argument("--date", required=True, help="that commit's date")
    args = parser.parse_args()
    header = (
        "# Colab's versions of the packages the course uses there, and of what they depend on.\n"
        f"# Source: https://github.com/googlecolab/backend-info/blob/{args.commit}/pip-freeze.txt\n"
        f"# ({args.date}; Colab's runtime: Python 3.13, Ubuntu 22.04, see os-info.txt there).\n"
        f"# Roots: {', '.join(ROOTS)}.\n"
        "# Resolved for Python 3.11 with Colab's versions as constraints; a package Colab's list\n"
        "# does not name (a Python 3.11-only dependency, say) is marked.\n"
        "# Regenerate: python tools/colab_packages.py pip-freeze.txt --commit SHA --date DATE\n")
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(header + marked(resolve(args.freeze, os.environ.get("UV", "uv")), args.freeze))


if __name__ == "__main__":
    main()
