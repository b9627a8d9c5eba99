"""nbgrader for the instructor's server on the hub: /etc/jupyter/nbgrader_config.py in the
instructor image (docs/hub/Dockerfile). The course is a clone of this repository in the
instructor's home, at the commit the images were built from; nbgrader releases its
notebooks/ to the exchange and collects submissions into its submitted/, which the course's
grader (`python -m grading`) grades."""

c = get_config()  # noqa: F821 (nbgrader's config loader defines it)

# The same course as the repository's nbgrader_config.py: solutions/ is the source, notebooks/
# the release.
c.CourseDirectory.course_id = "intro-to-deep-learning"
c.CourseDirectory.root = "/home/jovyan/intro-to-deep-learning"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"

c.Exchange.root = "/srv/nbgrader/exchange"
c.Exchange.timezone = "UTC"

# The course's exchange (grading/exchange.py): collect copies no link and dates a submission by
# its arrival. Every server runs as uid 1000 (jovyan), so a folder's owner names nobody: the
# owner check would refuse every submission (docs/deploy.md, "What the exchange does not protect").
c.ExchangeFactory.submit = "grading.exchange.CourseExchangeSubmit"
c.ExchangeFactory.collect = "grading.exchange.CourseExchangeCollect"
c.ExchangeCollect.check_owner = False

# nbgrader's advice for a hub: a log file, to see what went wrong with the exchange.
c.NbGrader.logfile = "/home/jovyan/intro-to-deep-learning/.nbgrader.log"
