"""``python -m grading``: grade submissions in sandboxes, write feedback, export grades.

With no submissions given it grades the bundled demo class (grading/demo/submitted), so the
whole flow can be seen on a fresh clone. Exits 0 when every submission was graded or
reported with a reason; 1 when the grader itself failed, or when two files of an LMS zip
claimed the same place; 2 on bad arguments, when the sandbox cannot run and
--unsafe-no-sandbox was not given, or when --cluster names no scheduler with a worker.
"""

import argparse
import os
import sys
from pathlib import Path

from grading import canvas, collect, gradebook, grader, handback, late, report, sandbox

REPO = Path(__file__).resolve().parent.parent
DEMO = Path(__file__).resolve().parent / "demo" / "submitted"


def _parser():
    parser = argparse.ArgumentParser(prog="python -m grading", description=__doc__.splitlines()[0])
    parser.add_argument("submissions", nargs="?", type=Path, default=DEMO,
                        help="a submitted/ folder (<student>/<lesson>/*.ipynb) or an LMS zip "
                             "export of one lesson (default: the demo class)")
    parser.add_argument("--lesson", help="grade only this lesson (required for a zip)")
    parser.add_argument("--zip-names", metavar="REGEX",
                        help="how the LMS names the files of a zip: a regular expression over each "
                             "path with the groups student, id, late and file (default: Canvas's "
                             "and Moodle's names)")
    parser.add_argument("--course", type=Path, default=REPO,
                        help="the course folder with solutions/ and notebooks/ (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=None,
                        help="where gradebook.db, autograded/, feedback/ and grades.csv go "
                             "(default: <course>/build/grading)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="notebooks graded at once (default: the number of cores, %(default)s)")
    parser.add_argument("--cell-timeout", type=int, default=sandbox.Limits.cell_seconds,
                        help="seconds one cell may run (default: %(default)s)")
    parser.add_argument("--notebook-timeout", type=int, default=sandbox.Limits.notebook_seconds,
                        help="seconds one notebook may run (default: %(default)s)")
    parser.add_argument("--memory-mb", type=int, default=sandbox.Limits.memory_bytes // 2**20,
                        help="memory one notebook may use (default: %(default)s)")
    parser.add_argument("--feedback-only", action="store_true",
                        help="only write the feedback pages of --out again, with the marks, extra "
                             "credit and comments given in formgrader since; nothing runs")
    parser.add_argument("--canvas", metavar="[LESSON=]COLUMN", action="append",
                        help="only write canvas.csv in --out from its gradebook, for Canvas's "
                             "Grades -> Import; COLUMN is the assignment's title in Canvas, "
                             "e.g. \"Exercise 1 (4567)\" (repeat for each lesson; nothing runs)")
    parser.add_argument("--cluster", metavar="tcp://HOST:8786",
                        help="run and judge the notebooks on this Dask scheduler's workers "
                             "(see the README); grades and feedback are still written here")
    parser.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="run student code with your own rights, without the sandbox "
                             "(only where bubblewrap cannot run; never for untrusted work)")
    return parser


def _submissions(args, lessons, out):
    if args.submissions.suffix.lower() == ".zip":
        if not args.lesson:
            raise collect.CollectError("a zip export holds one lesson: say which with --lesson")
        patterns = [args.zip_names] if args.zip_names else collect.NAME_PATTERNS
        unpacked = collect.unpack_zip(args.submissions, args.lesson, out / "submitted", patterns)
        found = collect.from_folder(unpacked.folder, lessons, args.lesson, timestamps=False)
        for submission in found:
            submission.notes += unpacked.notes.get(submission.student, [])
            submission.late = submission.student in unpacked.late
            submission.lms_id = unpacked.lms_ids.get(submission.student)
        return found, unpacked.collisions
    if not args.submissions.is_dir():
        raise collect.CollectError(f"{args.submissions} is neither a folder nor a .zip file")
    folder = args.submissions
    if (folder / "submitted").is_dir():  # a course folder: grade its submitted/
        folder = folder / "submitted"
    return collect.from_folder(folder, lessons, args.lesson), []


def _check_cluster(address):
    """How many workers the cluster has, to say so; None (with the error printed) when it
    cannot be reached or has none."""
    from grading import cluster  # imports Dask only when asked for
    try:
        client = cluster.connect(address)
    except cluster.ClusterUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return None
    workers = client.scheduler_info()["workers"].values()
    client.close()
    return (f"on the cluster at {address} ({len(workers)} workers, "
            f"{sum(w['nthreads'] for w in workers)} at a time)")


def _from_gradebook(args, out):
    """--feedback-only and --canvas: late penalties again (marks by hand may have changed the
    scores), then the feedback pages or canvas.csv, from the gradebook; nothing runs."""
    url = gradebook.db_url(out)
    try:
        late.penalise(url, late.config(out))
        titles = canvas.titles(args.canvas or [], canvas.lessons(url), args.lesson)
    except Exception as error:  # a broken nbgrader_config.py, or a title for no lesson
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.feedback_only:
        written = handback.rebuild(out, url)
        print(f"Feedback: {written} pages written again in {out / 'feedback'}")
    if args.canvas:
        written = canvas.write(url, out / "canvas.csv", titles)
        count = len(written.students)
        print(f"Canvas: {count} student{'s' * (count != 1)} in {out / 'canvas.csv'}")
        if written.without_id:
            print("Not in canvas.csv, with no Canvas id (graded from a folder, not Canvas's "
                  "zip): " + ", ".join(map(report.printable, written.without_id)),
                  file=sys.stderr)
    return 0


def main(argv=None):
    args = _parser().parse_args(argv)
    course = args.course.resolve()
    out = (args.out or course / "build" / "grading").resolve()
    if args.lesson and not (course / "solutions" / args.lesson).is_dir():
        print(f"error: no lesson {args.lesson!r} in {course / 'solutions'}", file=sys.stderr)
        return 2
    if args.feedback_only or args.canvas:
        if not (out / "gradebook.db").is_file():
            print(f"error: {out} holds no gradebook: grade into it first", file=sys.stderr)
            return 2
        return _from_gradebook(args, out)
    sandboxed = not args.unsafe_no_sandbox
    try:
        if not args.cluster:  # on a cluster, each worker checks its own sandbox
            sandbox.check_available()
    except sandbox.SandboxUnavailable as reason:
        if sandboxed:
            print(f"error: {reason}. Student code will not run outside the sandbox; "
                  "pass --unsafe-no-sandbox to run it with your own rights anyway.", file=sys.stderr)
            return 2
        print(f"WARNING: {reason}; grading WITHOUT a sandbox, as you asked.", file=sys.stderr)
    if not sandboxed:
        print("WARNING: --unsafe-no-sandbox: student code runs with your rights and can read "
              "and change your files.", file=sys.stderr)
    lessons = grader.graded_notebooks(course)
    out.mkdir(parents=True, exist_ok=True)
    try:
        submissions, collisions = _submissions(args, lessons, out)
    except collect.CollectError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not submissions:
        print(f"error: no submissions found in {args.submissions}", file=sys.stderr)
        return 2
    settings = grader.Settings(
        course=course, out=out, jobs=max(1, args.jobs), sandboxed=sandboxed, cluster=args.cluster,
        limits=sandbox.Limits(memory_bytes=args.memory_mb * 2**20, cell_seconds=args.cell_timeout,
                              notebook_seconds=args.notebook_timeout))
    if args.cluster:
        where = _check_cluster(args.cluster)
        if where is None:
            return 2
    else:
        where = f"{settings.jobs} at a time"
    print(f"Grading {len(submissions)} notebooks from {args.submissions}, {where}", file=sys.stderr)
    graded = grader.grade(submissions, settings, progress=lambda line: print(line, file=sys.stderr))
    report.write_csv(graded.results, gradebook.rows(gradebook.db_url(out)), out / "grades.csv")
    table = report.summary(graded.results)
    (out / "summary.txt").write_text(table + "\n")
    print(table)
    print(f"\nGrades: {out / 'grades.csv'}\nFeedback: {out / 'feedback'}\n"
          f"Gradebook: {out / 'gradebook.db'} (nbgrader export / formgrader)")
    if graded.failures:
        print("\nThe grader failed on: " + "; ".join(graded.failures), file=sys.stderr)
        return 1
    if collisions:
        print("\nTwo files in the zip claimed the same place (the first was graded): "
              + "; ".join(collisions), file=sys.stderr)
        return 1
    return 0
