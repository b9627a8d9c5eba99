"""The trusted-grading parts without a kernel: records, plans, inert values, harvesting,
judging, scoring, and the forked judge process."""

import csv
import json
import os
import pickle
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from grading import answers, harvest, judge, plan, records, report, sandbox, sanitise, scoring
from grading.records import Judgement, Outcome, QuestionResult, Run, SubmissionResult
from helpers.checks import core, crossing
from tests.conftest import REPO

LESSON = "01-single-neuron"


@pytest.fixture(scope="module")
def lesson01():
    source = nbformat.read(REPO / "solutions" / LESSON / "exercise.ipynb", as_version=4)
    released = nbformat.read(REPO / "notebooks" / LESSON / "exercise.ipynb", as_version=4)
    return plan.lesson_plan(LESSON, "exercise.ipynb", source, released), source, released


# Records ---------------------------------------------------------------------------------

def test_records_round_trip_through_json(tmp_path, lesson01):
    lesson_plan, _, _ = lesson01
    records.dump(lesson_plan, tmp_path / "plan.json")
    assert records.load(plan.LessonPlan, tmp_path / "plan.json") == lesson_plan
    job = records.Job("/work", 61000, [records.Export(3, "q", ["model"])], {"cell_seconds": 1})
    records.dump(job, tmp_path / "job.json")
    assert records.load(records.Job, tmp_path / "job.json") == job
    judgement = Judgement("q", Outcome.UNREADABLE, "no", 0.5)
    assert records.from_dict(Judgement, records.to_dict(judgement)) == judgement
    finished = records.Finished("{}", Run(started=True, timed_out=[2]), [judgement], ["a note"],
                                where="tcp://10.0.0.2:4000")  # what a cluster worker sends back
    assert records.from_dict(records.Finished, records.to_dict(finished)) == finished


def test_records_refuse_unknown_fields():
    with pytest.raises(ValueError, match="no field"):
        records.from_dict(Run, {"started": True, "tampering": {}})


def test_submission_status_follows_its_questions():
    result = SubmissionResult("ada", LESSON, "exercise.ipynb",
                              [QuestionResult("a", 1, 1.0), QuestionResult("b", 2, None)])
    assert result.status is records.Status.TO_MARK and result.score == 1
    result.review.append("look")
    assert result.status is records.Status.NEEDS_REVIEW
    result.error = "broken"
    assert result.status is records.Status.NOT_GRADED


# Plans -----------------------------------------------------------------------------------

def test_plan_reads_questions_and_the_released_cells(lesson01):
    lesson_plan, source, released = lesson01
    by_id = {q.grade_id: q for q in lesson_plan.questions}
    weights = by_id["weights_come_from_model"]
    assert (weights.module, weights.question) == ("helpers.checks.single_neuron", "weights")
    assert weights.names == ["model", "w", "b"]
    assert "BEGIN HIDDEN TESTS" in weights.test_source
    assert "HIDDEN" not in weights.released_source and "check()" in weights.released_source
    assert by_id["model_is_one_linear_unit"].context == ["X"]  # the hidden test reads X
    assert [w.grade_id for w in lesson_plan.written] == ["written_kernel_shape"]
    assert "import keras" in lesson_plan.setup_source and "session" in lesson_plan.setup_source


def test_plan_fingerprint_changes_with_the_source(lesson01):
    lesson_plan, source, released = lesson01
    changed = nbformat.reads(nbformat.writes(source), as_version=4)
    changed.cells[-1].source += " "
    assert plan.lesson_plan(LESSON, "exercise.ipynb", changed, released).fingerprint \
        != lesson_plan.fingerprint


# Inert values ----------------------------------------------------------------------------

def test_values_cross_and_come_back(tmp_path):
    import keras
    import pandas as pd
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mae")
    frame = pd.DataFrame({"a": [1.5, 2.0], "b": ["x", "y"]}, index=[7, 9])
    namespace = {"model": model, "shape": (3,), "sizes": [1, 2], "array": np.arange(3.0),
                 "scalar": np.float32(2.5), "frame": frame, "series": frame["b"],
                 "loss": keras.losses.MeanAbsoluteError(), "text": "hi", "nothing": None,
                 "stopper": keras.callbacks.EarlyStopping(patience=3, min_delta=0.01, mode="min")}
    crossing.export(namespace, list(namespace) + ["undefined"], tmp_path)
    values, unreadable = answers.load(tmp_path)
    assert unreadable == {} and "undefined" not in values
    assert values["shape"] == (3,) and values["sizes"] == [1, 2] and values["text"] == "hi"
    assert values["scalar"].dtype == np.float32 and values["nothing"] is None
    assert np.array_equal(values["array"], np.arange(3.0))
    pd.testing.assert_frame_equal(values["frame"], frame)
    assert list(values["series"]) == ["x", "y"] and values["series"].name == "b"
    assert isinstance(values["model"].optimizer, keras.optimizers.Adam)
    assert np.allclose(values["model"].get_weights()[0], model.get_weights()[0])
    assert isinstance(values["loss"], keras.losses.MeanAbsoluteError)
    assert (values["stopper"].patience, values["stopper"].mode) == (3, "min")


def test_what_cannot_cross_is_named_in_the_learners_words(tmp_path):
    import keras

    class Mine(keras.Model):
        def call(self, inputs):
            return inputs

    lambda_model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Lambda(lambda t: t)])
    namespace = {"function": len, "own": Mine(), "lambda_model": lambda_model,
                 "objects": np.array([object()])}
    for name, fragment in (("function", "builtin_function_or_method"), ("own", "your own class"),
                           ("lambda_model", "`Lambda` layer"), ("objects", "ndarray")):
        assert fragment in crossing.problem(namespace[name])
    crossing.export(namespace, list(namespace), tmp_path)
    values, unreadable = answers.load(tmp_path)
    assert values == {}
    assert "`Lambda` layer" in unreadable["lambda_model"] and "your own class" in unreadable["own"]


def _write_manifest(folder, records_):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / crossing.MANIFEST).write_text(json.dumps({"values": records_}))


def test_crafted_files_are_refused_without_quoting_them(tmp_path):
    (tmp_path / "secret.txt").write_text("TOP-SECRET")
    folder = tmp_path / "values"
    folder.mkdir()
    np.save(folder / "v0.npy", np.array([object()], dtype=object), allow_pickle=True)
    (folder / "v1.npy").write_bytes(pickle.dumps(eval))
    os.symlink(tmp_path / "secret.txt", folder / "v2.npy")
    _write_manifest(folder, {
        "pickled": {"kind": "array", "file": "v0.npy"},
        "pickle": {"kind": "array", "file": "v1.npy"},
        "link": {"kind": "array", "file": "v2.npy"},
        "outside": {"kind": "array", "file": "../secret.txt"},
        "code": {"kind": "keras_object", "config": {"module": "os", "class_name": "system",
                                                    "config": "id"}},
        "odd": {"kind": "__init__"}, "deep": {"kind": "list", "items": [[]] * 3},
        "__class__": {"kind": "scalar", "value": 1},
    })
    values, unreadable = answers.load(folder)
    assert values == {}
    assert set(unreadable) == {"pickled", "pickle", "link", "outside", "code", "odd", "deep"}
    assert not any("TOP-SECRET" in why or "secret" in why for why in unreadable.values())


def test_a_damaged_manifest_makes_every_answer_unreadable(tmp_path):
    (tmp_path / crossing.MANIFEST).write_text("{" * 10)
    assert answers.load(tmp_path) == ({}, {"*": answers._UNREAD + "the answers' manifest is damaged"})
    assert answers.load(tmp_path / "missing") == ({}, {})


# Harvesting --------------------------------------------------------------------------------

def test_harvest_takes_only_plain_files_of_the_lessons_questions(tmp_path):
    work, into = tmp_path / "work", tmp_path / "into"
    (work / "q1").mkdir(parents=True)
    (work / "q1" / "manifest.json").write_text("{}")
    (work / "q1" / "v0.npy").write_bytes(b"x" * 10)
    (work / "q1" / "notes.txt").write_text("not an answer file")
    os.symlink("/etc/passwd", work / "q1" / "v1.npy")
    os.mkfifo(work / "q1" / "v2.npy")
    (work / "other").mkdir()
    (work / "other" / "manifest.json").write_text("{}")
    os.symlink(work / "q1", work / "q2")
    notes = harvest.harvest(work, into, ["q1", "q2", "missing"])
    assert sorted(p.name for p in (into / "q1").iterdir()) == ["manifest.json", "v0.npy"]
    assert not (into / "other").exists() and not (into / "q2").exists()
    assert len(notes) == 2 and all("not a plain file" in n for n in notes)


# Judging -----------------------------------------------------------------------------------

def _question(source, names=("value",), given=(), context=()):
    return plan.QuestionPlan("q", 1.0, "tests.test_trusted_grading_units", "positive",
                             list(names), list(given), list(context), "", source)


def _judge_positive(value):
    if value <= 0:
        raise core.Incorrect("the value should be positive")
    return "positive"


positive = core.Question(("value",), _judge_positive)
SETUP = {"questions": sys.modules[__name__]}


@pytest.mark.parametrize("student, reference, outcome, fragment", [
    ({"value": 3}, {}, Outcome.CORRECT, "positive"),
    ({"value": -3}, {}, Outcome.INCORRECT, "should be positive"),
    ({}, {"value": 5}, Outcome.NOT_ATTEMPTED, "define `value`"),  # never the reference's
])
def test_the_judge_binds_only_the_answer_to_the_students_values(student, reference, outcome,
                                                                  fragment):
    found = judge.judge_question(_question("questions.positive.check()"), SETUP,
                                 (reference, {}), (student, {}))
    assert found.outcome is outcome and fragment in found.message


def test_hidden_tests_run_after_the_check_with_the_reference_context():
    source = "questions.positive.check()\nassert value < limit, 'too big for the data'\n"
    question = _question(source, context=["limit"])
    small = judge.judge_question(question, SETUP, ({"limit": 10}, {}), ({"value": 3}, {}))
    big = judge.judge_question(question, SETUP, ({"limit": 10}, {}), ({"value": 30}, {}))
    assert small.outcome is Outcome.CORRECT
    assert (big.outcome, big.message) == (Outcome.INCORRECT, "too big for the data")


@pytest.mark.parametrize("source, outcome, fragment", [
    ("questions.positive.check()\n1 / 0\n", Outcome.ERROR, "ZeroDivisionError"),
    ("pass\n", Outcome.ERROR, "without calling its check"),
    ("questions.positive.check()\nwhile True:\n    pass\n", Outcome.ERROR, "longer than 1 s"),
])
def test_a_judge_that_cannot_finish_scores_nothing_and_says_why(source, outcome, fragment):
    found = judge.judge_question(_question(source), SETUP, ({}, {}), ({"value": 3}, {}), seconds=1)
    assert found.outcome is outcome and fragment in found.message
    assert "division by zero" not in found.message  # not the library's own words


def test_an_unreadable_answer_scores_nothing_with_the_reason():
    found = judge.judge_question(_question("questions.positive.check()"), SETUP, ({}, {}),
                                 ({}, {"value": "has a `Lambda` layer"}))
    assert (found.outcome, found.message) == (Outcome.UNREADABLE, "`value` has a `Lambda` layer")


def test_judge_output_is_read_for_the_jobs_own_questions_once(lesson01):
    lesson_plan, _, _ = lesson01
    own = lesson_plan.questions[0].grade_id
    lines = [json.dumps(records.to_dict(Judgement(own, Outcome.CORRECT, "yes"))),
             json.dumps(records.to_dict(Judgement(own, Outcome.INCORRECT, "again"))),
             json.dumps(records.to_dict(Judgement("someone_elses", Outcome.CORRECT, "no"))),
             "not json", json.dumps({"failed": "timeout"})]
    found, failure = judge.read_judgements(lines, lesson_plan)
    assert set(found) == {own} and found[own].message == "yes" and failure


def test_the_judge_process_forks_a_child_per_submission(tmp_path, lesson01):
    """``python -m grading.judge``: TensorFlow imported once, a child per job; a crafted
    job's failure does not touch the next one."""
    lesson_plan, _, _ = lesson01
    records.dump(lesson_plan, tmp_path / "plan.json")
    import keras
    model = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(1)])
    reference = {"input_shape": (10,), "model": model, "X": np.zeros((2, 10))}
    for grade_id in ("input_shape_matches_features", "model_is_one_linear_unit"):
        crossing.export(reference, list(reference), tmp_path / "reference" / grade_id)
    for student, shape in (("right", (10,)), ("wrong", 10)):
        crossing.export({"input_shape": shape}, ["input_shape"],
                        tmp_path / student / "values" / "input_shape_matches_features")
        records.dump(judge.JudgeJob(str(tmp_path / "plan.json"), str(tmp_path / "reference"),
                                    str(tmp_path / student / "values")),
                     tmp_path / student / "judge.json")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "judge.json").write_text("{")
    answer = subprocess.run(
        [sys.executable, "-m", "grading.judge"], input="".join(
            f"{tmp_path / s}\n" for s in ("right", "broken", "wrong")),
        capture_output=True, text=True, timeout=300, cwd=REPO)
    blocks = answer.stdout.split("done\n")
    assert len(blocks) == 4, answer.stderr[-2000:]
    right, failure = judge.read_judgements(blocks[0].splitlines(), lesson_plan)
    wrong, _ = judge.read_judgements(blocks[2].splitlines(), lesson_plan)
    assert right["input_shape_matches_features"].outcome is Outcome.CORRECT
    assert wrong["input_shape_matches_features"].outcome is Outcome.INCORRECT
    assert "failed" in blocks[1]
    # questions with no values at all are "not attempted", never the reference's answer
    assert right["model_is_one_linear_unit"].outcome is Outcome.NOT_ATTEMPTED


# Scoring -----------------------------------------------------------------------------------

def test_a_question_scores_only_when_judged_correct(lesson01):
    lesson_plan, source, _ = lesson01
    ids = [q.grade_id for q in lesson_plan.questions]
    judgements = {ids[0]: Judgement(ids[0], Outcome.CORRECT, "yes"),
                  ids[1]: Judgement(ids[1], Outcome.UNREADABLE, "`model` has a Lambda layer"),
                  ids[2]: Judgement(ids[2], Outcome.NOT_ATTEMPTED, "define `w`")}
    run = Run(started=True, stopped_at=17, stop_reason="the kernel died")
    result = scoring.score(SubmissionResult("ada", LESSON, "exercise.ipynb"), lesson_plan, run,
                           judgements, source)
    by_id = {q.grade_id: q for q in result.questions}
    assert by_id[ids[0]].score == 1 and by_id[ids[1]].score == 0 == by_id[ids[2]].score
    assert by_id[ids[3]].outcome is Outcome.ERROR  # never judged: a person looks
    assert result.status is records.Status.NEEDS_REVIEW
    assert any("the kernel died" in reason for reason in result.review)
    assert by_id["written_kernel_shape"].score is None  # the reference's written answer


def test_sandbox_users_are_held_by_one_run_at_a_time(tmp_path):
    first = sandbox.claim_users(2, lock_folder=tmp_path)
    second = sandbox.claim_users(2, lock_folder=tmp_path)
    assert not set(first.kernels + first.judges) & set(second.kernels + second.judges)
    first.lock.close()
    third = sandbox.claim_users(2, lock_folder=tmp_path)
    assert third.kernels == first.kernels


def test_exported_cells_never_start_a_formula(tmp_path):
    result = SubmissionResult("=HYPERLINK(\"http://x\")", LESSON, "exercise.ipynb",
                              [QuestionResult("q", 1, 1.0)], notes=["@SUM(A1)"])
    report.write_csv([result], [], tmp_path / "grades.csv")
    text = (tmp_path / "grades.csv").read_text()
    assert "'=HYPERLINK" in text and "'@SUM" in text and "\n=" not in text


def test_names_with_control_characters_are_shown_escaped_and_never_split_a_row(tmp_path):
    name = "ada\nlovelace\x1b[31m\u202e"
    result = SubmissionResult(name, LESSON, "exercise.ipynb", [QuestionResult("q", 1, 1.0)])
    report.write_csv([result], [], tmp_path / "grades.csv")
    lines = (tmp_path / "grades.csv").read_text().splitlines()
    assert len(lines) == 2 and lines[1].startswith("ada\\x0alovelace\\x1b[31m\\u202e,")
    assert "\x1b" not in report.summary([result]) and "ada\\x0alovelace" in report.summary([result])


def test_grades_come_from_the_gradebook_and_the_last_file_is_kept(tmp_path):
    """Every notebook the gradebook holds is exported with its marks by hand; this run's
    results give status and reason; the previous grades.csv is kept, dated."""
    from grading.gradebook import Row
    path = tmp_path / "grades.csv"
    path.write_text("an earlier run\n")
    marked = Row("ada", LESSON, "exercise.ipynb", 7.5, 7.0, False)
    earlier = Row("grace", LESSON, "exercise.ipynb", 3.0, 7.0, True)
    result = SubmissionResult("ada", LESSON, "exercise.ipynb",
                              [QuestionResult("q", 5, 5.0), QuestionResult("w", 2, None)])
    unknown = SubmissionResult("alan", "99-nothing", "", error="no such lesson")
    report.write_csv([result, unknown], [marked, earlier], path)
    with open(path) as file:
        rows = {row["student"]: row for row in csv.DictReader(file)}
    assert (rows["ada"]["score"], rows["ada"]["status"]) == ("7.5", "graded")
    assert (rows["grace"]["status"], rows["grace"]["reason"]) == (
        "to mark by hand", "not in this run: as the gradebook holds it")
    assert (rows["alan"]["status"], rows["alan"]["reason"]) == ("not graded", "no such lesson")
    assert [p.read_text() for p in tmp_path.glob("grades-*.csv")] == ["an earlier run\n"]


def test_what_a_student_wrote_or_printed_is_made_inert():
    executed = nbformat.v4.new_notebook()
    written = nbformat.v4.new_markdown_cell("Mine: <script>steal()</script> <b>bold</b> "
                                            "<img src=x onerror=steal()>")
    written.attachments = {"a.svg": {"image/svg+xml": "<svg onload=steal()/>", "image/png": "iVBO"}}
    printed = nbformat.v4.new_code_cell("check()")
    verdict = core.Feedback(core.Outcome.CORRECT, "well done")
    printed.outputs = [nbformat.v4.new_output("display_data", data={
        **verdict._repr_mimebundle_(), "application/javascript": "steal()",
        "image/svg+xml": "<svg onload=steal()/>"})]
    printed.outputs[0].data["text/html"] += "<iframe src='https://evil'></iframe>"
    executed.cells = [written, printed]
    sanitise.notebook(executed)
    assert "<script>" not in written.source and "<img" not in written.source
    assert "<b>bold</b>" in written.source and "&lt;script&gt;" in written.source
    assert written.attachments == {"a.svg": {"image/png": "iVBO"}}
    data = printed.outputs[0].data
    assert set(data) == {"text/plain", "text/html"}  # no script, SVG, or fake verdict record
    assert "<iframe" not in data["text/html"] and "&lt;iframe" in data["text/html"]
    background = core.STYLE[core.Outcome.CORRECT][0]
    assert f"background-color:{background}" in data["text/html"]  # the box keeps its colours
