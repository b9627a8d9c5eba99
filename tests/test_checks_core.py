"""The checking engine: three outcomes, feedback shown, failures raised."""

import pytest

from helpers.checks.core import STYLE, CheckFailed, Feedback, Incorrect, Outcome, Question
from tests import contrast


def _judge_positive(value):
    if value <= 0:
        raise Incorrect("the value should be positive")
    return "positive, as it should be"


positive = Question(("value",), _judge_positive)


def test_three_outcomes_are_told_apart():
    assert positive.feedback({"value": 3}).outcome is Outcome.CORRECT
    assert positive.feedback({"value": -1}).outcome is Outcome.INCORRECT
    assert positive.feedback({}).outcome is Outcome.NOT_ATTEMPTED


def test_a_judge_that_crashes_reports_incorrect_not_an_exception():
    feedback = positive.feedback({"value": "text"})
    assert feedback.outcome is Outcome.INCORRECT
    assert "TypeError" in feedback.message


def test_check_reads_the_callers_globals(capsys):
    global value
    value = 5
    try:
        positive.check()
    finally:
        del value
    assert "Correct: positive" in capsys.readouterr().out


@pytest.mark.parametrize("namespace, shown", [
    ({"value": -2}, "Not quite: the value should be positive"),
    ({}, "Not attempted yet: define `value`"),
])
def test_check_shows_and_raises_when_not_correct(namespace, shown, capsys):
    with pytest.raises(CheckFailed, match=shown.split(":")[0]):
        positive.check(namespace)
    assert shown in capsys.readouterr().out


def test_feedback_html_names_the_outcome_and_escapes_the_message():
    html = positive.feedback({}).__class__(Outcome.INCORRECT, "use <b>")._repr_html_()
    assert "Not quite" in html and "&lt;b&gt;" in html


@pytest.mark.parametrize("outcome", list(Outcome))
def test_feedback_box_sets_every_colour_with_enough_contrast(outcome):
    """Background, text and accent are all explicit, so a dark theme's text colour never
    lands on the light box, and both text and accent pass WCAG AA on the background."""
    background, accent, text = STYLE[outcome]
    box = Feedback(outcome, "a message")._repr_html_()
    assert f"background-color:{background};color:{text};" in box and f'style="color:{accent}"' in box
    assert contrast.ratio(text, background) >= contrast.AA
    assert contrast.ratio(accent, background) >= contrast.AA
