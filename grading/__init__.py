"""The instructor's grading side of the course: sandboxed, parallel autograding on nbgrader.

Student code is untrusted. Each submission's kernel runs in a bubblewrap sandbox
(:mod:`grading.sandbox`); the graded notebook is rebuilt from the instructor's
(:mod:`grading.assemble`); the answers leave the kernel as inert files and a judge in a
sandbox of its own grades each question against the reference solution
(:mod:`grading.judge`); grades go to nbgrader's gradebook, a CSV export and per-student
HTML feedback. Run ``python -m grading --help``.
"""
