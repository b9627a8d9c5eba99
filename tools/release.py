"""Regenerate the student notebooks (notebooks/) from the instructor ones (solutions/).

Runs ``nbgrader generate_assignment`` for every lesson, without touching a gradebook, so the
release is reproducible: the same solutions always give byte-identical notebooks.

Usage: python tools/release.py [--course-dir DIR]
"""

import argparse
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent


def lessons(course_dir):
    """The lesson folders of ``course_dir/solutions``, in order."""
    return sorted(p.name for p in (course_dir / "solutions").iterdir() if p.is_dir())


def release(course_dir):
    """Generate ``course_dir/notebooks/<lesson>/`` for every lesson in ``course_dir/solutions``."""
    nbgrader = pathlib.Path(sys.executable).with_name("nbgrader")
    for lesson in lessons(course_dir):
        subprocess.run(
            [str(nbgrader), "generate_assignment", lesson, "--force", "--no-db",
             "--log-level=ERROR", f"--course-dir={course_dir}"],
            cwd=course_dir, check=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course-dir", type=pathlib.Path, default=REPO,
                        help="a folder holding solutions/ and nbgrader_config.py")
    release(parser.parse_args().course_dir.resolve())


if __name__ == "__main__":
    main()
