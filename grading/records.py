"""The records every stage of grading passes on, typed, with their JSON form.

A record that crosses a process boundary (a job to the executor, a run back, a judgement from
the judge) is written with :func:`dump` and read with :func:`load`, which builds the dataclass
again and refuses fields it does not know.
"""

import dataclasses
import enum
import json
import typing
from dataclasses import dataclass, field
from pathlib import Path


class Status(str, enum.Enum):
    """Where a submission stands after grading."""
    GRADED = "graded"
    TO_MARK = "to mark by hand"
    NEEDS_REVIEW = "needs review"
    NOT_GRADED = "not graded"


class Outcome(str, enum.Enum):
    """What grading concluded about one question."""
    CORRECT = "correct"
    INCORRECT = "incorrect"
    NOT_ATTEMPTED = "not attempted"
    UNREADABLE = "unreadable"    # the answer's value could not cross to the judge safely
    NOT_RUN = "not run"          # the notebook stopped before this question
    ERROR = "error"              # the judge could not finish: the grader's problem
    MANUAL = "manual"            # a written answer, marked by a person


#: The label a learner reads for each outcome.
LABELS = {Outcome.CORRECT: "Correct", Outcome.INCORRECT: "Not quite",
          Outcome.NOT_ATTEMPTED: "Not attempted", Outcome.UNREADABLE: "Could not be read",
          Outcome.NOT_RUN: "Did not run", Outcome.ERROR: "Not judged",
          Outcome.MANUAL: "Marked by hand"}


@dataclass
class Export:
    """After test cell ``cell`` runs, write these variables for question ``grade_id``."""
    cell: int
    grade_id: str
    names: list


@dataclass
class Job:
    """What the executor runs and how: ``job.json`` in a job folder."""
    work: str                    # the sandbox's only writable folder
    uid: int                     # the sandbox user (as root)
    exports: list[Export]
    limits: dict
    sandboxed: bool = True
    memory_group: str = ""       # the slot's memory cgroup, if the machine gives one


@dataclass
class Run:
    """What happened when a notebook ran: ``run.json``."""
    started: bool = False        # the kernel answered the grader before any student code
    stopped_at: int = None       # the cell where the run ended early, if it did
    stop_reason: str = None
    timed_out: list = field(default_factory=list)      # cells stopped at the cell time limit
    truncated: list = field(default_factory=list)      # cells whose output was cut
    peak_memory_bytes: int = 0
    refused: bool = False        # the kernel sent a message the grader could not read


@dataclass
class Judgement:
    """The judge's verdict on one question."""
    grade_id: str
    outcome: Outcome
    message: str
    seconds: float = 0.0


@dataclass
class Finished:
    """One submission run in a sandbox and judged, as a slot hands it back (here, or from a
    cluster's worker)."""
    executed: str                # the notebook as it ran, as nbformat JSON
    run: Run
    judgements: list[Judgement]
    notes: list = field(default_factory=list)   # what taking the answer files noticed
    failure: str = None          # why the judge gave no verdicts, if it did not
    reference_problem: str = None  # why the lesson's reference solution could not be run
    run_seconds: float = 0.0
    judge_seconds: float = 0.0
    where: str = "local"         # or the address of the cluster worker that graded it


@dataclass
class Task:
    """One submission sent to a cluster's worker: the notebook to run and how, never a path
    on the submitting machine."""
    name: str                    # for the worker's logs and job folder
    lesson: str
    notebook: str                # the graded notebook's name in the lesson
    fingerprint: str             # the lesson's plan where it was assembled: the worker's must match
    assembled: str               # the notebook to run, as nbformat JSON
    limits: dict
    sandboxed: bool = True


@dataclass
class QuestionResult:
    """The grade of one graded cell."""
    grade_id: str
    max_points: float
    score: float = None          # None: a person has to mark it
    outcome: Outcome = Outcome.CORRECT
    message: str = ""
    answer: str = ""             # the student's answer (for feedback), if it is one cell


@dataclass
class SubmissionResult:
    """Everything about one student's notebook."""
    student: str
    lesson: str
    notebook: str
    questions: list[QuestionResult] = field(default_factory=list)
    notes: list = field(default_factory=list)      # what the grader changed or noticed
    review: list = field(default_factory=list)     # reasons a person should look at it
    error: str = None                              # why it could not be graded at all
    late: bool = False                             # the LMS marked it late
    timestamp: str = None                          # when submitted (nbgrader's timestamp.txt)
    lms_id: str = None                             # the LMS's own id of the student
    late_penalty: float = 0.0                      # the gradebook's (grading.late)
    seconds_late: float = 0.0                      # after the gradebook's due date

    @property
    def score(self):
        return sum(q.score or 0 for q in self.questions)

    @property
    def final_score(self):
        """The score after the late penalty."""
        return max(0.0, self.score - self.late_penalty)

    @property
    def max_score(self):
        return sum(q.max_points for q in self.questions)

    @property
    def status(self):
        if self.error:
            return Status.NOT_GRADED
        if self.review:
            return Status.NEEDS_REVIEW
        if any(q.score is None for q in self.questions):
            return Status.TO_MARK
        return Status.GRADED


def _build(kind, value):
    """``value`` (from JSON) as an instance of the annotated type ``kind``."""
    if typing.get_origin(kind) is list and isinstance(value, list):
        (item,) = typing.get_args(kind)
        return [_build(item, v) for v in value]
    if dataclasses.is_dataclass(kind) and isinstance(value, dict):
        return from_dict(kind, value)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(value)
    return value


def from_dict(kind, data):
    """A ``kind`` dataclass from its dict form; unknown fields are refused."""
    hints = typing.get_type_hints(kind)
    unknown = set(data) - set(hints)
    if unknown:
        raise ValueError(f"{kind.__name__} has no field {sorted(unknown)}")
    return kind(**{name: _build(hints[name], value) for name, value in data.items()})


def to_dict(record):
    """The JSON-ready form of a record (enums as their values)."""
    return json.loads(json.dumps(dataclasses.asdict(record), default=_plain))


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"cannot write {type(value).__name__}")


def dump(record, path):
    """Write a record as JSON."""
    Path(path).write_text(json.dumps(to_dict(record), indent=1))


def load(kind, path):
    """Read a record of type ``kind`` written by :func:`dump`."""
    return from_dict(kind, json.loads(Path(path).read_text()))
