"""Plain `nbgrader autograde` against `python -m grading` on the same class; writes
benchmarks/grading.md.

Two classes: the demo class of lesson 01, copied until it has 20 students, and a lesson 07
class. nbgrader grades them one after another, in one process (its only mode); the grading
command grades them in sandboxes, `--jobs` at a time (default: the number of cores), and
judges them apart. Both start from an empty gradebook. The lesson 01 class is graded
``--rounds`` times by each, taking turns, and its times are the medians.

Then what one submission of each lesson costs, with one slot (:func:`lesson_cost`), for the
sizing of a grading cluster (tools/cost_model.py, docs/deploy.md): written to
benchmarks/grading-costs.csv and the last part of benchmarks/grading.md. ``--costs-only``
measures only that, and keeps the comparison already in benchmarks/grading.md.

Usage: python tools/bench_grading.py [--students 20] [--digits-students 6] [--jobs N]
                                     [--rounds 3] [--costs-only] [--cost-students 3]
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
import psutil
from nbgrader.api import Gradebook

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import machine  # noqa: E402  (tools/bench.py, beside this file)
import cost_model  # noqa: E402  (tools/cost_model.py, beside this file)
from grading import grader, slots  # noqa: E402
from grading.lesson import Lesson  # noqa: E402
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


def bench(lesson, submissions, jobs, scratch, rounds=1):
    """Grade the same class with plain nbgrader and with `python -m grading`, each from an
    empty course, one after the other, ``rounds`` times: the wall times are the medians (one
    run varies by about 5% here), the scores those of the last round."""
    plain, ours, ratios = [], [], []
    for number in range(rounds):
        course = scratch / lesson / f"round-{number + 1}" / "course"
        out = course.parent / "out"
        make_course(course, lesson, submissions)
        plain.append(timed([BIN / "nbgrader", "autograde", lesson, "--log-level=ERROR"], course))
        ours.append(timed([sys.executable, "-m", "grading", course / "submitted", "--course",
                           course, "--out", out, "--jobs", str(jobs)], scratch))
        ratios.append(plain[-1] / ours[-1])
    theirs = nbgrader_scores(course, lesson)
    mine = {row["student"]: float(row["score"]) for row in read_csv(out / "grades.csv")}
    timings = read_csv(out / "timings.csv")
    return {"lesson": lesson, "students": len(submissions),
            "plain": statistics.median(plain), "ours": statistics.median(ours), "ratios": ratios,
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


COSTS_HEADING = "## What one submission costs, lesson by lesson"


def reference_seconds(course, lesson):
    """Seconds to run a lesson's reference solution once in a fresh slot, as a grading run
    (or a cluster worker) does before it judges the lesson's first submission."""
    settings = grader.Settings(course=course, out=course / "unused", jobs=1)
    settings.references.mkdir(parents=True, exist_ok=True)
    jobs = Path(tempfile.mkdtemp(prefix="grading-"))  # short: kernels' socket paths
    jobs.chmod(0o755)
    runner = slots.LocalSlots(settings, jobs)
    try:
        prepared = Lesson(course, settings.references, lesson, "exercise.ipynb")
        started = time.monotonic()
        runner.prepare([prepared])
        prepared.ready.wait()
        seconds = time.monotonic() - started
    finally:
        runner.close()
        shutil.rmtree(jobs, ignore_errors=True)
    if prepared.problem:
        raise RuntimeError(prepared.problem)
    return seconds


def peak_tree_memory(process):
    """The largest sum of the resident memory of ``process`` and all its descendants, in
    bytes, sampled until it ends."""
    root, peak = psutil.Process(process.pid), 0
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            break
        total = 0
        for member in tree:
            try:
                total += member.memory_info().rss
            except psutil.Error:
                pass
        peak = max(peak, total)
        time.sleep(0.2)
    return peak


def lesson_cost(lesson, students, scratch):
    """What grading one submission of ``lesson`` costs with one slot: the lesson's reference
    answers, ``students`` times, graded by `python -m grading --jobs 1` once the reference
    solution has run (timed on its own, first); the rest of the run's wall time is its fixed
    part."""
    course = scratch / "costs" / lesson
    for part in ("solutions", "notebooks"):
        shutil.copytree(REPO / part / lesson, course / part / lesson)
    for n in range(students):
        target = course / "submitted" / f"reference-{n + 1}" / lesson
        target.mkdir(parents=True)
        nbformat.write(answered(lesson), target / "exercise.ipynb")
    reference = reference_seconds(course, lesson)
    out = course / "out"
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "grading", course / "submitted",
                                "--course", course, "--out", out, "--jobs", "1"],
                               cwd=scratch, env=ENV, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    peak = peak_tree_memory(process)
    if process.wait() != 0:
        raise RuntimeError(f"python -m grading failed on {lesson}")
    wall = time.monotonic() - started
    timings = read_csv(out / "timings.csv")
    busy = [float(t["run_seconds"]) + float(t["judge_seconds"]) for t in timings]
    return {"cost": cost_model.LessonCost(lesson, statistics.mean(busy), reference,
                                          max(0.0, wall - sum(busy)), peak / 2**20),
            "run": statistics.mean(float(t["run_seconds"]) for t in timings),
            "judge": statistics.mean(float(t["judge_seconds"]) for t in timings),
            "kernel": max(float(t["peak_memory_mb"]) for t in timings)}


def costs_section(measured, students):
    """The part of benchmarks/grading.md that says what each lesson's submission costs."""
    return [
        COSTS_HEADING,
        "",
        f"Measured {datetime.date.today()} by `make bench-grading` (alone: `tools/bench_grading.py "
        f"--costs-only`) on: {machine()}.",
        "",
        f"Each lesson's reference answers, submitted by {students} students, graded by "
        "`python -m grading --jobs 1` (one slot) once the lesson's reference solution has run, "
        "which is timed on its own first, in a fresh slot. A slot grades one submission at a "
        "time, its kernel and then its judge, on about one core (the kernels run TensorFlow on "
        "one thread): its busy seconds per submission are the core-seconds used to size a "
        "grading cluster (tools/cost_model.py, docs/deploy.md). The fixed part is the rest of "
        "the run's wall time: starting the slot, registering the lesson in the gradebook, "
        "writing feedback. The slot's memory is the peak resident memory of the whole "
        "one-slot run (grading process, executor, kernel, judge), sampled every 0.2 s.",
        "",
        "| lesson | sandbox run | judge | slot busy per submission | kernel peak | "
        "one-slot run peak | reference solution, once | fixed part of a run |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *[f"| {m['cost'].lesson} | {m['run']:.1f} s | {m['judge']:.2f} s | "
          f"{m['cost'].submission_seconds:.1f} s | {m['kernel']:.0f} MB | "
          f"{m['cost'].slot_memory_mb:.0f} MB | {m['cost'].reference_seconds:.1f} s | "
          f"{m['cost'].startup_seconds:.1f} s |" for m in measured],
        "",
        f"Workers of {cost_model.SLOTS} slots needed to grade a class in time "
        f"(tools/cost_model.py, with its stated {cost_model.OVERHEAD:.0%} allowance per "
        "submission for the cluster's own costs):",
        "",
        cost_model.sizing_table({m["cost"].lesson: m["cost"] for m in measured}),
        "",
    ]


def measure_costs(students):
    """Every lesson's cost; writes benchmarks/grading-costs.csv and returns the section."""
    lessons = sorted(grader.graded_notebooks(REPO))
    with tempfile.TemporaryDirectory(prefix="bench-costs-") as scratch:
        measured = []
        for lesson in lessons:
            measured.append(lesson_cost(lesson, students, Path(scratch)))
            print(f"{lesson}: {measured[-1]['cost']}", flush=True)
    cost_model.write_costs([m["cost"] for m in measured])
    cost_model.main()  # docs/deploy.md's cost and sizing tables, from these figures
    return costs_section(measured, students)


def comparison(args):
    """Plain nbgrader against `python -m grading`, lessons 01 and 07: the lines of
    benchmarks/grading.md before the costs."""
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as scratch:
        results = [bench(DEMO_LESSON, demo_class(args.students), args.jobs, Path(scratch),
                         args.rounds),
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
        "every third with one mistake. The lesson 01 class is graded "
        f"{args.rounds} times by each grader, taking turns; its wall times are the medians "
        "(one run varies by about 5% on this machine). The lesson 07 class is graded once.",
        "",
        "| lesson | submissions | grader | wall time | notebooks per minute | speed-up |",
        "|---|---|---|---|---|---|",
        *_rows(results[0], args.jobs), *_rows(results[1], args.jobs),
        "",
        f"**Lesson 01 speed-up: {ratio:.2f}x** ({'meets' if ratio >= 1.7 else 'misses'} the 1.7x "
        "target). Round by round: "
        + ", ".join(f"{r:.2f}x" for r in results[0]["ratios"]) + ".",
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
    return lines + [""]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--digits-students", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--rounds", type=int, default=3,
                        help="runs of each grader on the lesson 01 class (default: %(default)s)")
    parser.add_argument("--costs-only", action="store_true",
                        help="measure only each lesson's cost; keep the comparison in the file")
    parser.add_argument("--cost-students", type=int, default=3,
                        help="submissions per lesson for its cost (default: %(default)s)")
    args = parser.parse_args()
    report = REPO / "benchmarks" / "grading.md"
    if args.costs_only:
        lines = [report.read_text().split(COSTS_HEADING)[0].rstrip("\n"), ""]
    else:
        lines = comparison(args)
    lines += measure_costs(args.cost_students)
    report.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
