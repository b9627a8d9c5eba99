"""Time every solution notebook and measure its kernel's peak memory.

Each notebook runs in a fresh kernel, started by a fresh Python process, so one notebook's
imports do not speed up the next. Results go to benchmarks/notebooks.md with the date and
the machine.

Usage: python tools/bench.py            (all notebooks, writes the report)
       python tools/bench.py --one PATH (one notebook, prints "seconds peak_mb")
"""

import argparse
import datetime
import os
import pathlib
import platform
import resource
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
REPORT = REPO / "benchmarks" / "notebooks.md"
TARGET_SECONDS = 30
TARGET_PEAK_MB = 1536


def run_one(path):
    """Execute one notebook; return (seconds, peak resident memory of its kernel in MB)."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    # The kernel is this process's child; once it has exited, its peak RSS is counted here.
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak_mb


def machine():
    """A one-line description of this machine."""
    cpu = "unknown CPU"
    cpuinfo = pathlib.Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                 if line.startswith("model name")]
        cpu = names[0] if names else cpu
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{cpu}, {os.cpu_count()} cores, {memory_gb:.0f} GiB, {platform.system()} "
            f"{platform.machine()}, Python {platform.python_version()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", type=pathlib.Path, help="benchmark this notebook only")
    args = parser.parse_args()
    if args.one:
        seconds, peak_mb = run_one(args.one.resolve())
        print(f"{seconds:.2f} {peak_mb:.0f}")
        return
    import tensorflow as tf

    rows, total = [], 0.0
    for path in sorted((REPO / "solutions").glob("*/*.ipynb")):
        result = subprocess.run([sys.executable, __file__, "--one", str(path)],
                                capture_output=True, text=True, check=True)
        seconds, peak_mb = map(float, result.stdout.split())
        total += seconds
        verdict = "ok" if seconds <= TARGET_SECONDS and peak_mb <= TARGET_PEAK_MB else "OVER"
        rows.append(f"| {path.relative_to(REPO / 'solutions')} | {seconds:.1f} | "
                    f"{peak_mb:.0f} | {verdict} |")
        print(rows[-1], flush=True)
    REPORT.write_text("\n".join([
        "# Notebook benchmark",
        "",
        f"Measured {datetime.date.today().isoformat()} by `make bench` on: {machine()}; "
        f"TensorFlow {tf.__version__}.",
        "",
        f"Each notebook runs in a fresh kernel. Targets: ≤ {TARGET_SECONDS} s and "
        f"≤ {TARGET_PEAK_MB} MB peak memory per notebook (Binder gives 2 GB).",
        "",
        "| notebook | seconds | peak MB | target |",
        "|---|---:|---:|---|",
        *rows,
        f"| **whole course** | **{total:.1f}** | | |",
        "",
    ]))
    print(f"written to {REPORT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
