"""How many grading workers a class needs: the sizing formula of docs/deploy.md, from the
per-lesson costs that `make bench-grading` measures (benchmarks/grading-costs.csv).

A worker has ``slots`` slots; a slot grades one submission at a time (its sandboxed kernel,
then its judge), keeping about one core busy (the kernels run TensorFlow on one thread).
Before a worker judges a lesson's first submission it runs the lesson's reference solution
once; and every grading run starts its slots and registers the lesson in the gradebook.
So a class of N submissions on W workers takes about

    start-up + reference + ceil(N / (W * slots)) * submission * (1 + overhead)

and the workers needed are the fewest W that bring this under the time allowed.

Usage: python tools/cost_model.py   (rewrites the cost and sizing tables in docs/deploy.md)
"""

import csv
import math
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COSTS = REPO / "benchmarks" / "grading-costs.csv"
DEPLOY = REPO / "docs" / "deploy.md"

#: Allowance on each submission for what the bench, on one machine, does not see: the
#: scheduler's round trips, the notebook crossing the network both ways, a slower worker.
OVERHEAD = 0.25
#: The worked table's workers: 4 slots each (4 cores, 4 x 2 GiB for the kernels).
SLOTS = 4
CLASSES = (200, 2000)
MINUTES = (10, 60)
LESSONS = ("01-single-neuron", "07-handwritten-digits")
START = "<!-- cost and sizing tables: tools/cost_model.py writes them -->"
END = "<!-- end of the tables -->"


@dataclass(frozen=True)
class LessonCost:
    """What grading costs for one lesson, as measured with one slot."""
    lesson: str
    submission_seconds: float   # a slot busy with one submission: its sandbox run and judge
    reference_seconds: float    # the reference solution, once per worker machine
    startup_seconds: float      # a grading run's fixed part: slots, gradebook, feedback
    slot_memory_mb: float       # peak memory of a one-slot grading run: kernel, judge, executor


def workers_needed(students, minutes, cost, slots=SLOTS, overhead=OVERHEAD):
    """The fewest workers of ``slots`` slots that grade ``students`` submissions of a lesson
    in ``minutes``; ValueError if no number of workers can (the fixed part, or one
    submission, is already longer than the time allowed)."""
    budget = minutes * 60 - cost.startup_seconds - cost.reference_seconds
    waves = math.floor(budget / (cost.submission_seconds * (1 + overhead)))
    if waves < 1:
        raise ValueError(f"{cost.lesson} cannot be graded in {minutes} minutes: its fixed part "
                         f"and one submission take longer")
    return math.ceil(students / (waves * slots))


def core_seconds(students, cost, overhead=OVERHEAD):
    """The slot-seconds (about core-seconds) a class of ``students`` costs, without the
    fixed part."""
    return students * cost.submission_seconds * (1 + overhead)


def worker_memory_gb(cost, slots=SLOTS):
    """The memory a worker needs: ``slots`` one-slot runs' peaks."""
    return slots * cost.slot_memory_mb / 1024


def read_costs(path=COSTS):
    """lesson -> LessonCost, from the CSV `make bench-grading` writes."""
    with open(path) as file:
        return {row["lesson"]: LessonCost(row["lesson"], float(row["submission_seconds"]),
                                          float(row["reference_seconds"]),
                                          float(row["startup_seconds"]),
                                          float(row["slot_memory_mb"]))
                for row in csv.DictReader(file)}


def write_costs(costs, path=COSTS):
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["lesson", "submission_seconds", "reference_seconds", "startup_seconds",
                         "slot_memory_mb"])
        for cost in costs:
            writer.writerow([cost.lesson, f"{cost.submission_seconds:.2f}",
                             f"{cost.reference_seconds:.1f}", f"{cost.startup_seconds:.1f}",
                             f"{cost.slot_memory_mb:.0f}"])


def costs_table(costs):
    """Every lesson's measured figures, as the model uses them, in Markdown."""
    lines = ["| lesson | core-seconds per submission | reference solution, once | "
             "fixed part of a run | memory per slot | submissions per slot-hour |",
             "|---|---:|---:|---:|---:|---:|"]
    for cost in costs.values():
        lines.append(f"| {cost.lesson} | {cost.submission_seconds:.1f} | "
                     f"{cost.reference_seconds:.1f} s | {cost.startup_seconds:.1f} s | "
                     f"{cost.slot_memory_mb / 1024:.1f} GB | "
                     f"{3600 / cost.submission_seconds:.0f} |")
    return "\n".join(lines)


def sizing_table(costs, lessons=LESSONS, classes=CLASSES, minutes=MINUTES, slots=SLOTS):
    """The worked table of docs/deploy.md, in Markdown."""
    lines = [f"| lesson | students | in | workers ({slots} slots each) | cores | memory | "
             "core-hours of grading |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for lesson in lessons:
        cost = costs[lesson]
        for students in classes:
            for limit in minutes:
                workers = workers_needed(students, limit, cost, slots)
                memory = workers * worker_memory_gb(cost, slots)
                lines.append(f"| {lesson} | {students:,} | {limit} min | {workers} | "
                             f"{workers * slots} | {memory:.0f} GB | "
                             f"{core_seconds(students, cost) / 3600:.1f} |")
    return "\n".join(lines)


def with_table(document, table):
    """``document`` with the text between its sizing-table markers replaced by ``table``."""
    head, rest = document.split(START)
    _, tail = rest.split(END)
    return f"{head}{START}\n{table}\n{END}{tail}"


def doc_tables(costs):
    """What docs/deploy.md shows between its markers: the costs, then the sizing."""
    return f"{costs_table(costs)}\n\n{sizing_table(costs)}"


def main():
    table = doc_tables(read_costs())
    DEPLOY.write_text(with_table(DEPLOY.read_text(), table))
    print(table)


if __name__ == "__main__":
    sys.exit(main())
