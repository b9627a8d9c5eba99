"""nbgrader for every learner's server on the hub: /etc/jupyter/nbgrader_config.py in the
learner image (docs/hub/Dockerfile). Only the exchange: where assignments are fetched from and
submitted to, a volume every server mounts (docs/deploy.md, "The exchange")."""

c = get_config()  # noqa: F821 (nbgrader's config loader defines it)

c.CourseDirectory.course_id = "intro-to-deep-learning"  # the course's own nbgrader_config.py
c.Exchange.root = "/srv/nbgrader/exchange"
c.Exchange.timezone = "UTC"

# The course's exchange (grading/exchange.py, installed in the image): a submit arrives whole
# or not at all, and a closed lesson says so.
c.ExchangeFactory.submit = "grading.exchange.CourseExchangeSubmit"
