"""The sizing formula of a grading cluster (tools/cost_model.py), on figures chosen so that
each answer can be worked out by hand."""

import sys

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "tools"))

from cost_model import (LessonCost, core_seconds, costs_table, read_costs,  # noqa: E402
                        sizing_table, with_table, worker_memory_gb, workers_needed, write_costs)

# 8 s a submission, 1.25x with the overhead: 10 s. 60 s of fixed part (startup and reference).
EVEN = LessonCost("01-single-neuron", submission_seconds=8.0, reference_seconds=20.0,
                  startup_seconds=40.0, slot_memory_mb=1536)


def test_one_wave_per_ten_seconds_after_the_fixed_part():
    # 10 minutes: 600 - 60 = 540 s, 54 waves of 10 s; 4 slots a worker: 216 submissions a worker.
    assert workers_needed(216, 10, EVEN, slots=4, overhead=0.25) == 1
    assert workers_needed(217, 10, EVEN, slots=4, overhead=0.25) == 2
    assert workers_needed(2000, 10, EVEN, slots=4, overhead=0.25) == 10  # 2000 / 216 = 9.3


def test_more_time_or_more_slots_need_fewer_workers():
    many = workers_needed(2000, 10, EVEN, slots=4)
    assert workers_needed(2000, 60, EVEN, slots=4) < many
    assert workers_needed(2000, 10, EVEN, slots=8) < many


def test_the_overhead_is_charged_on_every_submission():
    # No overhead: 540 s / 8 s = 67 waves, 268 submissions a worker of 4 slots.
    assert workers_needed(268, 10, EVEN, slots=4, overhead=0) == 1
    assert workers_needed(268, 10, EVEN, slots=4, overhead=0.25) == 2


def test_a_time_shorter_than_the_fixed_part_cannot_be_met():
    with pytest.raises(ValueError, match="cannot be graded in 1 minutes"):
        workers_needed(10, 1, EVEN)  # 60 s of fixed part leave no time for a submission


def test_core_seconds_and_memory():
    assert core_seconds(100, EVEN, overhead=0.25) == 1000
    assert worker_memory_gb(EVEN, slots=4) == 6


def test_costs_round_trip_through_the_csv(tmp_path):
    write_costs([EVEN], tmp_path / "costs.csv")
    assert read_costs(tmp_path / "costs.csv") == {EVEN.lesson: EVEN}


def test_the_table_is_computed_from_the_function():
    costs = {"01-single-neuron": EVEN, "07-handwritten-digits": EVEN}
    table = sizing_table(costs, classes=(2000,), minutes=(10,), slots=4)
    # 10 workers, 40 cores, 10 x 6 GB, 2000 x 10 s = 5.6 core-hours.
    assert "| 01-single-neuron | 2,000 | 10 min | 10 | 40 | 60 GB | 5.6 |" in table
    assert table.count("\n") == 3  # the header, its rule and one row per lesson


def test_the_costs_table_shows_each_lessons_figures():
    assert costs_table({EVEN.lesson: EVEN}).splitlines()[2] == (
        "| 01-single-neuron | 8.0 | 20.0 s | 40.0 s | 1.5 GB | 450 |")


def test_the_table_goes_between_the_markers_only():
    document = ("before\n<!-- cost and sizing tables: tools/cost_model.py writes them -->\nold\n"
                "<!-- end of the tables -->\nafter\n")
    assert with_table(document, "new") == (
        "before\n<!-- cost and sizing tables: tools/cost_model.py writes them -->\nnew\n"
        "<!-- end of the tables -->\nafter\n")
