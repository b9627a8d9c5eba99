"""Grading on a Dask distributed cluster: ``python -m grading --cluster tcp://HOST:8786``.

Each submission becomes one task: it carries the lesson's name, the fingerprint of the
lesson's plan and the assembled notebook (never a path on the submitting machine), and a
worker runs and judges it in a slot of its own (:func:`grading.slots.run_and_judge`, the
same code as local grading) and sends back a :class:`~grading.records.Finished` record.
Only the submitting side scores and writes the gradebook, ``autograded/``, ``grades.csv``
and feedback.

Every worker is started from a checkout of the same commit, with its ``.venv`` and
bubblewrap, and loads this module::

    dask worker tcp://HOST:8786 --nthreads 2 --preload grading.cluster [--course PATH]

It keeps, per worker process, one slot per thread (an executor and a judge, and sandbox
users of its own), its own job folders, and the reference values of each lesson under
``<course>/build/reference/``, made the first time a task needs them; all of it is
closed when the worker stops (what a worker killed outright left, the next worker started
on the machine removes). A task the worker cannot finish is reported with its submission;
a worker lost mid-task has its tasks run again by Dask on another worker.
"""

import fcntl
import logging
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import click
import nbformat
from distributed import Client, KilledWorker, get_worker

from grading import cgroups, records, sandbox
from grading.lesson import Lesson
from grading.records import Finished, Task
from grading.slots import GROUP_PREFIX, NotGraded, Slot, make_reference, run_and_judge

REPO = Path(__file__).resolve().parent.parent
CONNECT_SECONDS = 30
JOBS_PREFIX = "grading-worker-"     # a worker process's job folder in /tmp, with a lock file
log = logging.getLogger("distributed.grading")  # a child of Dask's logger: in the worker's log


class ClusterUnavailable(RuntimeError):
    """The scheduler cannot be reached, or has no worker."""


def connect(address, timeout=CONNECT_SECONDS):
    """A client of the scheduler at ``address`` with at least one worker."""
    try:
        client = Client(address, timeout=timeout)
    except OSError as error:
        raise ClusterUnavailable(f"no Dask scheduler answers at {address}: {error}") from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        client.close()
        raise ClusterUnavailable(f"the Dask scheduler at {address} has no worker") from None
    return client


class ClusterSlots:
    """The slots of a cluster's workers; :meth:`submit` gives a future of a Finished record."""

    def __init__(self, settings):
        self.settings = settings
        self.client = connect(settings.cluster)
        self.run = uuid.uuid4().hex[:8]

    def prepare(self, lessons):
        """Nothing: each worker runs a lesson's reference solution when it first needs it."""

    def submit(self, number, notebook, lesson):
        task = Task(f"{number:04d}", lesson.plan.lesson, lesson.plan.notebook,
                    lesson.plan.fingerprint, nbformat.writes(notebook),
                    asdict(self.settings.limits), self.settings.sandboxed)
        return _Pending(self.client.submit(grade_task, records.to_dict(task), pure=False,
                                           key=f"grade-{self.run}-{task.name}"))

    def close(self):
        self.client.close()


class _Pending:
    """A task on the cluster; :meth:`result` waits for its Finished record."""

    def __init__(self, future):
        self.future = future

    def result(self):
        try:
            data = self.future.result()
        except KilledWorker:
            raise NotGraded("the cluster lost every worker that tried to grade it") from None
        except Exception as error:  # raised on the worker, or the cluster went away
            raise NotGraded(f"a cluster worker could not grade it: "
                            f"{type(error).__name__}: {str(error)[:300]}") from None
        return records.from_dict(Finished, data)


@dataclass(frozen=True)
class _SlotSettings:
    """What a worker's slots need of the grading run's settings."""
    limits: sandbox.Limits
    sandboxed: bool
    references: Path


class _WorkerState:
    """What one worker process keeps between tasks: slots, lessons and job folders."""

    def __init__(self, course, threads):
        self.course, self.threads = course, threads
        self.references = course / "build" / "reference"
        self.jobs = Path(tempfile.mkdtemp(prefix=JOBS_PREFIX))  # short: kernels' socket paths
        self.jobs.chmod(0o755)
        self.held = open(self.jobs / "lock", "a")  # held while this process lives
        fcntl.flock(self.held, fcntl.LOCK_EX)
        self.lessons, self.pools, self.lock = {}, {}, threading.Lock()

    def lesson(self, task):
        """This worker's copy of the task's lesson, which must be the submitting side's."""
        with self.lock:
            key = (task.lesson, task.notebook)
            if key not in self.lessons:
                if not (self.course / "solutions" / task.lesson / task.notebook).is_file():
                    raise RuntimeError(f"this worker's course {self.course} has no "
                                       f"{task.lesson}/{task.notebook}")
                self.lessons[key] = Lesson(self.course, self.references, *key)
                self.lessons[key].folder.parent.mkdir(parents=True, exist_ok=True)
            lesson = self.lessons[key]
        if lesson.plan.fingerprint != task.fingerprint:
            raise RuntimeError(f"this worker's {task.lesson} (or its helpers, Keras or NumPy) "
                               "differs from the submitting side's: start the workers from a "
                               "checkout of the same commit")
        return lesson

    def free_slots(self, settings):
        """The queue of this worker's free slots for these settings (made the first time)."""
        with self.lock:
            if settings not in self.pools:
                if settings.sandboxed:
                    sandbox.check_available()
                users = sandbox.claim_users(self.threads)
                free = _SlotQueue(users, [Slot(n, self.jobs, settings, users)
                                          for n in range(self.threads)])
                self.pools[settings] = free
                log.info("%d slot(s), sandbox users from %d", self.threads,
                         users.kernels[0])
            return self.pools[settings]

    def reference(self, slot, lesson, settings):
        """Make sure the lesson's reference values are here (another worker of this machine
        may be making them: it is then waited for)."""
        if not lesson.ready.is_set():
            make_reference(slot, lesson, settings, self.jobs)

    def close(self):
        for pool in self.pools.values():
            pool.close()
        shutil.rmtree(self.jobs, ignore_errors=True)
        self.held.close()


class _SlotQueue:
    """A worker's slots for one set of settings, each used by one task at a time."""

    def __init__(self, users, slots):
        self.users, self.slots = users, slots
        self.free, self.condition = list(slots), threading.Condition()

    def take(self):
        with self.condition:
            self.condition.wait_for(lambda: self.free)
            return self.free.pop()

    def give_back(self, slot):
        with self.condition:
            self.free.append(slot)
            self.condition.notify()

    def close(self):
        for slot in self.slots:
            slot.stop()
        self.users.lock.close()


_course = None      # set by dask_setup when the worker starts
_state = None       # made by the first task
_state_lock = threading.Lock()


def _worker_state():
    global _state
    with _state_lock:
        if _course is None:
            raise RuntimeError("the worker was not started with --preload grading.cluster")
        if _state is None:
            _state = _WorkerState(_course, get_worker().state.nthreads)
        return _state


def remove_leftovers(attempts=5):
    """Remove what worker processes killed outright left on this machine: their memory
    cgroups (with the kernels still in them) and their job folders (whose lock no process
    holds). Returns the folders removed."""
    cgroups.remove_orphans(GROUP_PREFIX)
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{JOBS_PREFIX}*"):
        if not (folder / "lock").is_file():
            continue  # a folder being made
        try:
            lock = open(folder / "lock", "a")
        except OSError:
            continue  # removed meanwhile
        with lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a live worker's
            for _ in range(attempts):  # an orphaned executor may still be finishing a file
                shutil.rmtree(folder, ignore_errors=True)
                if not folder.exists():
                    removed.append(folder)
                    break
                time.sleep(0.2)
    return removed


def grade_task(data):
    """On a worker: run and judge one submission (a Task's dict); return its Finished
    record's dict."""
    task = records.from_dict(Task, data)
    state = _worker_state()
    lesson = state.lesson(task)
    settings = _SlotSettings(sandbox.Limits(**task.limits), task.sandboxed, state.references)
    pool = state.free_slots(settings)
    folder = state.jobs / f"{task.name}-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    slot = pool.take()
    try:
        finished = run_and_judge(slot, folder, nbformat.reads(task.assembled, as_version=4),
                                 lesson, settings, lambda: state.reference(slot, lesson, settings))
    finally:
        pool.give_back(slot)
    shutil.rmtree(folder, ignore_errors=True)
    finished.where = get_worker().address
    return records.to_dict(finished)


@click.command()
@click.option("--course", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=REPO, show_default=True,
              help="the course checkout (solutions/, notebooks/) this worker grades with")
def dask_setup(worker, course):
    """Run by ``dask worker --preload grading.cluster``: note the worker's course."""
    global _course
    _course = course.resolve()
    log.info("the course is %s", _course)
    for folder in remove_leftovers():
        log.info("removed %s, left by a worker killed outright", folder)


def dask_teardown(worker):
    """Stop the worker's slots and remove its job folders."""
    global _state
    with _state_lock:
        if _state is not None:
            _state.close()
            _state = None
            log.info("slots stopped, job folders removed")
