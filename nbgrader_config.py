"""nbgrader settings for the course: solutions/ is the source, notebooks/ the release."""

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "intro-to-deep-learning"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"

# What a learner sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Seconds one cell may run while grading or validating.
c.ExecutePreprocessor.timeout = 120
