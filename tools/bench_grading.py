"""Plain `nbgrader autograde` against `python -m grading` on the same class; writes
benchmarks/grading.md.

Two classes: the demo class of lesson 01, copied until it has 20 students, and a lesson 07
class. nbgrader grades them one after another, in one process (its only mode); the grading
command grades them in sandboxes, `--jobs` at a time (default: the number of cores), and
judges them apart. Both start from an empty gradebook.

Usage: python tools/bench_grading.py [--students 20] [--digits-students 6] [--jobs N]
"""

import argparse
import csv
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import statistics
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import machine  # noqa: E402  (tools/bench.py, beside this file)
from tests.submissions import DEMO_CLASS, DEMO_LESSON, answered  # noqa: E402

DIGITS = "07-handwritten-digits"
DIGITS_MISTAKE = {"answer_prediction": "predicted_digit = probability_model(x_test[:1]).numpy()"}

BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "TF_CPP_MIN_LOG_LEVEL": "3"}


def make_course(folder, lesson, submissions):
    """A course with ``lesson`` released into a gradebook, and the given submissions
    (student -> notebook)."""
    shutil.copytree(REPO / "solutions" / lesson, folder / "solutions" / lesson)
    shutil.copy(REPO / "nbgrader_config.py", folder)
    subprocess.run([BIN / "nbgrader", "generate_assignment", lesson, "--force",
                    "--log-level=ERROR"], cwd=folder, env=ENV, check=True)
    for student, notebook in submissions.items():
        target = folder / "submitted" / student / lesson
        target.mkdir(parents=True)
        nbformat.write(notebook, target / "exercise.ipynb")


def demo_class(students):
    """Lesson 01's demo class, copied until it has ``students`` submissions."""
    demo = REPO / "grading" / "demo" / "submitted"
    names = list(DEMO_CLASS)
    return {f"{names[n % len(names)]}-{n // len(names) + 1}":
            nbformat.read(demo / names[n % len(names)] / DEMO_LESSON / "exercise.ipynb", 4)
            for n in range(students)}


def digits_class(students):
    """Lesson 07: the reference answers, and every third student with one mistake."""
    return {f"student-{n + 1}": answered(DIGITS, replace=DIGITS_MISTAKE if n % 3 == 2 else None)
            for n in range(students)}


def timed(command, cwd):
    started = time.monotonic()
    subprocess.run(command, cwd=cwd, env=ENV, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.monotonic() - started


def nbgrader_scores(course, lesson):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {s.student.id: s.score for s in gradebook.assignment_submissions(lesson)}


def read_csv(path):
    with open(path) as file:
        return list(csv.DictReader(file))


def bench(lesson, submissions, jobs, scratch):
    """Grade the same class with plain nbgrader and with `python -m grading`."""
    course = scratch / lesson / "course"
    out = scratch / lesson / "out"
    make_course(course, lesson, submissions)
    plain = timed([BIN / "nbgrader", "autograde", lesson, "--log-level=ERROR"], course)
    ours = timed([sys.executable, "-m", "grading", course / "submitted", "--course", course,
                  "--out", out, "--jobs", str(jobs)], scratch)
    theirs = nbgrader_scores(course, lesson)
    mine = {row["student"]: float(row["score"]) for row in read_csv(out / "grades.csv")}
    timings = read_csv(out / "timings.csv")
    return {"lesson": lesson, "students": len(submissions), "plain": plain, "ours": ours,
            "differ": sorted(s for s in theirs if theirs[s] != mine.get(s)),
            "theirs": theirs, "mine": mine,
            "run": statistics.mean(float(t["run_seconds"]) for t in timings),
            "judge": statistics.mean(float(t["judge_seconds"]) for t in timings),
            "memory": max(float(t["peak_memory_mb"]) for t in timings)}


def _rows(result, jobs):
    n = result["students"]
    return [f"| {result['lesson']} | {n} | `nbgrader autograde`, one after another, no sandbox | "
            f"{result['plain']:.1f} s | {60 * n / result['plain']:.1f} | |",
            f"| {result['lesson']} | {n} | `python -m grading --jobs {jobs}`, sandboxed, judged apart | "
            f"{result['ours']:.1f} s | {60 * n / result['ours']:.1f} | "
            f"**{result['plain'] / result['ours']:.2f}x** |"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--digits-students", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as scratch:
        results = [bench(DEMO_LESSON, demo_class(args.students), args.jobs, Path(scratch)),
                   bench(DIGITS, digits_class(args.digits_students), args.jobs, Path(scratch))]
    ratio = results[0]["plain"] / results[0]["ours"]
    lines = [
        "# Grading benchmark: plain nbgrader against `make grade`",
        "",
        f"Measured {datetime.date.today()} by `make bench-grading` on: {machine()}.",
        "",
        "Each class is graded from an empty gradebook and with no reference solution computed "
        "yet: the time of `python -m grading` includes running each lesson's reference "
        "solution once. Target: at least 1.7x plain nbgrader's throughput on 2 cores for "
        f"the lesson 01 class ({args.students} submissions: the demo class, copied). The "
        f"lesson 07 class is {args.digits_students} submissions: the reference answers, and "
        "every third with one mistake.",
        "",
        "| lesson | submissions | grader | wall time | notebooks per minute | speed-up |",
        "|---|---|---|---|---|---|",
        *_rows(results[0], args.jobs), *_rows(results[1], args.jobs),
        "",
        f"**Lesson 01 speed-up: {ratio:.2f}x** ({'meets' if ratio >= 1.7 else 'misses'} the 1.7x "
        "target).",
        "",
        "What one submission costs in `python -m grading` (means; from its `timings.csv`):",
        "",
        "| lesson | its notebook in the sandbox | the judge (fork, read the answers, judge every question) | peak kernel memory |",
        "|---|---|---|---|",
        *[f"| {r['lesson']} | {r['run']:.1f} s | {r['judge']:.2f} s | {r['memory']:.0f} MB |"
          for r in results],
        "",
    ]
    for result in results:
        differ = result["differ"]
        lines.append(f"Scores that differ between the two graders, lesson {result['lesson']}: "
                     + (", ".join(f"{s} (nbgrader {result['theirs'][s]:g}, ours "
                                  f"{result['mine'].get(s, 0):g})" for s in differ)
                        if differ else "none") + ".")
    (REPO / "benchmarks" / "grading.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
