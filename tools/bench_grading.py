"""Plain `nbgrader autograde` against `python -m grading` on the same class; writes
benchmarks/grading.md.

The class is the demo class of lesson 01, copied until it has at least 20 students. nbgrader
grades them one after another, in one process (its only mode); the grading command grades them
in sandboxes, `--jobs` at a time (default: the number of cores). Both start from an empty
gradebook.

Usage: python tools/bench_grading.py [--students 20] [--jobs N]
"""

import argparse
import csv
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nbgrader.api import Gradebook

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import machine  # noqa: E402  (tools/bench.py, beside this file)
from tests.submissions import DEMO_CLASS, DEMO_LESSON  # noqa: E402

BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "TF_CPP_MIN_LOG_LEVEL": "3"}


def make_course(folder, students):
    """A course with lesson 01 released into a gradebook, and ``students`` submissions."""
    shutil.copytree(REPO / "solutions" / DEMO_LESSON, folder / "solutions" / DEMO_LESSON)
    shutil.copy(REPO / "nbgrader_config.py", folder)
    subprocess.run([BIN / "nbgrader", "generate_assignment", DEMO_LESSON, "--force",
                    "--log-level=ERROR"], cwd=folder, env=ENV, check=True)
    demo = REPO / "grading" / "demo" / "submitted"
    names = list(DEMO_CLASS)
    for number in range(students):
        name = names[number % len(names)]
        target = folder / "submitted" / f"{name}-{number // len(names) + 1}" / DEMO_LESSON
        target.mkdir(parents=True)
        shutil.copy(demo / name / DEMO_LESSON / "exercise.ipynb", target)


def timed(command, cwd):
    started = time.monotonic()
    subprocess.run(command, cwd=cwd, env=ENV, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.monotonic() - started


def nbgrader_scores(course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {s.student.id: s.score for s in gradebook.assignment_submissions(DEMO_LESSON)}


def our_scores(out):
    with open(out / "grades.csv") as file:
        return {row["student"]: float(row["score"]) for row in csv.DictReader(file)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as scratch:
        course = Path(scratch) / "course"
        make_course(course, args.students)
        plain = timed([BIN / "nbgrader", "autograde", DEMO_LESSON, "--log-level=ERROR"], course)
        ours = timed([sys.executable, "-m", "grading", course / "submitted", "--course", course,
                      "--out", Path(scratch) / "out", "--jobs", str(args.jobs)], scratch)
        theirs, mine = nbgrader_scores(course), our_scores(Path(scratch) / "out")
    differ = sorted(s for s in theirs if theirs[s] != mine.get(s))
    ratio = plain / ours
    lines = [
        "# Grading benchmark: plain nbgrader against `make grade`",
        "",
        f"Measured {datetime.date.today()} by `make bench-grading` on: {machine()}.",
        "",
        f"The same {args.students} submissions of lesson 01 (the demo class, copied), graded from "
        "an empty gradebook. Target: at least 1.7x plain nbgrader's throughput on 2 cores.",
        "",
        "| grader | how | wall time | notebooks per minute |",
        "|---|---|---|---|",
        f"| `nbgrader autograde` | one after another, no sandbox | {plain:.1f} s | "
        f"{60 * args.students / plain:.1f} |",
        f"| `python -m grading --jobs {args.jobs}` | {args.jobs} at a time, each in a sandbox | "
        f"{ours:.1f} s | {60 * args.students / ours:.1f} |",
        "",
        f"**Speed-up: {ratio:.2f}x** ({'meets' if ratio >= 1.7 else 'misses'} the 1.7x target).",
        "",
        "Scores that differ between the two: "
        + (", ".join(f"{s} (nbgrader {theirs[s]:g}, ours {mine.get(s, 0):g})" for s in differ)
           if differ else "none") + ".",
    ]
    if differ:
        lines += ["", "Plain nbgrader gives a test cell 0 points when anything is written to stderr, "
                  "such as Keras's warning about `input_shape=` (the demo student *grace*); "
                  "`make grade` judges only errors."]
    (REPO / "benchmarks" / "grading.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
