"""Turn a run and the judge's verdicts into grades: one result per graded cell, with a reason.

A question earns its points only when the judge ran its whole test cell to the end and it
passed. Anything else (no value, an unreadable value, a wrong answer, an error or a time-out
in the judge) scores 0 with the judge's reason, or, when the notebook stopped before the
question, the reason it stopped. Nothing the student's kernel printed is read here: the
verdicts come from the judge, which never ran student code.
"""

from grading.assemble import is_answer, is_test, is_written_answer, nbgrader_metadata
from grading.records import Judgement, Outcome, QuestionResult

NOT_JUDGED = "the grader did not judge this answer; the instructor will look at it."


def answers_before_tests(notebook):
    """grade_id of each test cell -> the source of the answer cell just before it."""
    answers, last = {}, ""
    for cell in notebook.cells:
        if is_answer(cell) and not is_written_answer(cell):
            last = cell.source
        elif is_test(cell):
            answers[nbgrader_metadata(cell)["grade_id"]] = last
    return answers


def _written(executed, plan):
    """The written answers: to mark by hand, or 0 if left as handed out."""
    stubs = {w.grade_id: w for w in plan.written}
    results = []
    for cell in executed.cells:
        meta = nbgrader_metadata(cell)
        written = stubs.get(meta.get("grade_id"))
        if written is None or not is_written_answer(cell):
            continue
        unanswered = cell.source.strip() == written.stub.strip()
        results.append(QuestionResult(
            written.grade_id, written.points, score=0.0 if unanswered else None,
            outcome=Outcome.NOT_ATTEMPTED if unanswered else Outcome.MANUAL,
            message="Not answered." if unanswered else "A person will mark this answer.",
            answer=cell.source))
    return results


def _test_cell_indices(executed):
    return {nbgrader_metadata(c)["grade_id"]: i for i, c in enumerate(executed.cells) if is_test(c)}


def score(result, plan, run, judgements, executed, judge_failure=None):
    """Fill ``result`` (a :class:`SubmissionResult`) from one submission's run and verdicts.

    Args:
        plan: the lesson's :class:`~grading.plan.LessonPlan`.
        run: the executor's :class:`~grading.records.Run`.
        judgements: grade_id -> :class:`~grading.records.Judgement` from the judge.
        executed: the notebook as it ran (for written answers and the student's code).
        judge_failure: why the judge stopped early, if it did.
    """
    if run.refused:  # a kernel that sends what the grader cannot read is not graded
        result.error = run.stop_reason
        return zero(result, plan)
    if not run.started:
        result.error = run.stop_reason or "the notebook could not be run"
    cells = _test_cell_indices(executed)
    answers = answers_before_tests(executed)
    for question in plan.questions:
        judgement = judgements.get(question.grade_id) or Judgement(
            question.grade_id, Outcome.ERROR, NOT_JUDGED)
        index = cells.get(question.grade_id)
        stopped_before = (run.stopped_at is not None and index is not None
                          and index > run.stopped_at)
        outcome, message = judgement.outcome, judgement.message
        if outcome is Outcome.NOT_ATTEMPTED and (stopped_before or not run.started):
            outcome = Outcome.NOT_RUN
            message = f"This question did not run: {run.stop_reason or 'the notebook stopped'}."
        elif index in run.timed_out and outcome is not Outcome.CORRECT:
            message = ("Your answer cell ran past the time limit: look for a slow or endless "
                       "loop. " + message)
        result.questions.append(QuestionResult(
            question.grade_id, question.points,
            score=question.points if outcome is Outcome.CORRECT else 0.0,
            outcome=outcome, message=message, answer=answers.get(question.grade_id, "")))
        if outcome is Outcome.ERROR:
            result.review.append(f"{question.grade_id}: {message}")
    if judge_failure:
        result.review.append(f"the judge stopped early ({judge_failure})")
    if run.started and run.stop_reason:
        result.review.append(f"the notebook stopped at cell {(run.stopped_at or 0) + 1}: "
                             f"{run.stop_reason}")
    result.questions += _written(executed, plan)
    order = {nbgrader_metadata(c).get("grade_id"): i for i, c in enumerate(executed.cells)}
    result.questions.sort(key=lambda q: order.get(q.grade_id, len(order)))
    return result


def zero(result, plan):
    """Every graded question of a submission that could not be run, at 0 points."""
    result.questions = [QuestionResult(q.grade_id, q.points, 0.0, Outcome.NOT_RUN,
                                       f"Not graded: {result.error}.")
                        for q in plan.questions]
    result.questions += [QuestionResult(w.grade_id, w.points, 0.0, Outcome.NOT_RUN,
                                        f"Not graded: {result.error}.") for w in plan.written]
    return result
