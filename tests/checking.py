"""Assertions shared by the tests of the checks."""

from helpers.checks.core import Outcome


def assert_correct(question, **answers):
    feedback = question.feedback(answers)
    assert feedback.outcome is Outcome.CORRECT, feedback.message


def assert_incorrect(question, *fragments, not_revealing=(), **answers):
    """The answer is rejected with a message holding every fragment and none of the secrets."""
    feedback = question.feedback(answers)
    assert feedback.outcome is Outcome.INCORRECT, feedback.message
    for fragment in fragments:
        assert fragment in feedback.message
    for secret in not_revealing:
        assert secret not in feedback.message, f"the message gives away {secret!r}"


def assert_not_attempted(question, *missing, **answers):
    feedback = question.feedback(answers)
    assert feedback.outcome is Outcome.NOT_ATTEMPTED, feedback.message
    for name in missing:
        assert f"`{name}`" in feedback.message
