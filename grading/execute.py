"""Run one assembled notebook in a sandboxed kernel and record what happened.

A job is a folder: this reads ``job.json`` and ``input.ipynb`` there and writes
``executed.ipynb`` and ``run.json`` (:mod:`grading.records`). After each test cell, the
kernel writes the question's answer variables as inert files into ``values/<grade_id>/`` of
its working folder (:func:`helpers.checks.crossing.export`); the grader's judge reads them
there, in a process of its own. Nothing of the hidden tests or the reference solution is sent
to this kernel.

``python -m grading.execute --serve`` runs jobs whose folders it reads from stdin, one per
line, answering ``done`` or ``failed`` on stdout: the grader keeps one such worker per
parallel slot, a process apart from the grader and from the other slots, so whatever a
submission does to it (a flood of output, a dead kernel) stays there. The kernel runs in
:mod:`grading.sandbox`; this process stays outside it.
"""

import asyncio
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, DeadKernelError

from grading import cgroups, records, sandbox
from grading.records import Job, Run

KERNEL_NAME = "grading-sandbox"
#: Run before the first cell: TensorFlow's import-time log lines go here, not into the notebook.
PRELUDE = ("def _grading_prelude():\n"
           "    from helpers import session\n"
           "    session.quiet_tensorflow()\n"
           "    import keras  # noqa: F401\n"
           "_grading_prelude()\n"
           "del _grading_prelude\n")
VALUES = "values"            # in the working folder: one folder of answer files per question


class _SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose connection file the sandbox user can read."""

    sandbox_uid = None

    def write_connection_file(self, **kwargs):
        super().write_connection_file(**kwargs)
        if self.sandbox_uid is not None:
            os.chown(self.connection_file, self.sandbox_uid, self.sandbox_uid)


class _Refused(Exception):
    """The kernel sent a message the grader could not handle."""


def _size(msg):
    """How many bytes a kernel message's content takes as JSON (at least 1)."""
    try:
        return max(1, len(json.dumps(msg.get("content"), default=str)))
    except (TypeError, ValueError, RecursionError):
        return float("inf")


class _LimitedClient(NotebookClient):
    """A notebook client that stays small whatever the kernel sends.

    - Printed text and rich output (plots, HTML) have a budget per cell each.
    - The whole notebook has one budget over every kind of message: streams, displays,
      display updates (counted once for every output they rewrite), results, errors and
      widget messages. Past it, messages are dropped, with a note in the notebook.
    - No widget state is kept, and no widget object is built in the grader.
    - A message it cannot handle stops the notebook, as the student's problem.
    """

    def __init__(self, *args, limits, run, **kwargs):
        super().__init__(*args, store_widget_state=False, **kwargs)
        self.comm_open_handlers = {}
        self._budget = {"text": limits.output_bytes, "rich": limits.rich_output_bytes}
        self._notebook_left = limits.notebook_output_bytes
        self._notebook_budget = limits.notebook_output_bytes
        self._run = run
        self._sizes = {}
        self._current_index = None

    async def _async_handle_timeout(self, timeout, cell=None):
        self._run.timed_out.append(self._current_index)
        return await super()._async_handle_timeout(timeout, cell)

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        self._current_index = cell_index
        return await super().async_execute_cell(cell, cell_index, *args, **kwargs)

    def _copies(self, msg):
        """How many outputs a message writes: a display update rewrites each output that
        shares its display id."""
        content = msg.get("content") or {}
        display_id = (content.get("transient") or {}).get("display_id")
        if msg.get("msg_type") != "update_display_data" or display_id is None:
            return 1
        return max(1, sum(len(indices) for indices in
                          self._display_id_map.get(display_id, {}).values()))

    def process_message(self, msg, cell, cell_index):
        try:
            if msg["msg_type"] not in ("status", "execute_input"):
                cost = _size(msg) * self._copies(msg)
                if cost > self._notebook_left:
                    self._cut(cell, cell_index, self._notebook_budget, "in the whole notebook")
                    return None
                self._notebook_left -= cost
            return super().process_message(msg, cell, cell_index)
        except CellExecutionComplete:
            raise
        except Exception as error:  # a malformed message: the kernel's doing, not the grader's
            raise _Refused(type(error).__name__) from None

    def _cut(self, cell, cell_index, budget, where):
        if cell_index not in self._run.truncated:
            self._run.truncated.append(cell_index)
            cell.outputs.append(nbformat.v4.new_output(
                "stream", name="stdout", text=f"\n[grader: output cut at {budget:,} bytes {where}]\n"))

    def output(self, outs, msg, display_id, cell_index):
        kind = "text" if msg["msg_type"] in ("stream", "error") else "rich"
        size = self._sizes.get((cell_index, kind), 0) + _size(msg)
        self._sizes[(cell_index, kind)] = size
        if size <= self._budget[kind]:
            return super().output(outs, msg, display_id, cell_index)
        if cell_index not in self._run.truncated:
            self._run.truncated.append(cell_index)
            outs.append(nbformat.v4.new_output(
                "stream", name="stdout",
                text=f"\n[grader: output cut at {self._budget[kind]:,} bytes]\n"))
        return None


def _kernel_spec_folder(job, folder):
    """Write a kernel spec whose kernel runs in the sandbox (or not, if unsafe)."""
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    limits = sandbox.Limits(**job.limits)
    memory = cgroups.MemoryGroup.at(job.memory_group) if job.memory_group else None
    argv = cgroups.enter(memory, sandbox.wrap(kernel, job.work, job.uid, limits)) \
        if job.sandboxed else kernel
    spec = folder / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps(
        {"argv": argv, "display_name": "Sandboxed Python", "language": "python",
         "interrupt_mode": "message"}))
    return folder / "kernels"


def folder_usage(folder):
    """(bytes on disk, number of entries) under ``folder``, links not followed."""
    used, entries, pending = 0, 0, [folder]
    while pending:
        try:
            with os.scandir(pending.pop()) as listing:
                for entry in listing:
                    entries += 1
                    info = entry.stat(follow_symlinks=False)
                    used += info.st_blocks * 512
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
        except OSError:
            continue
    return used, entries


class _Watchdog(threading.Thread):
    """Kills the kernel's whole process tree when it uses too much memory, time or disk."""

    def __init__(self, km, limits, record, current_cell, work):
        super().__init__(daemon=True)
        self.km, self.limits, self.record, self.current_cell = km, limits, record, current_cell
        self.work = work
        self.deadline = time.monotonic() + limits.notebook_seconds
        self.done = threading.Event()

    @staticmethod
    def _memory(tree, proportional):
        """Memory of a process tree: its resident set size, cheap to read, or its proportional
        set size (forks sharing pages count them once), which is never more but takes the
        kernel about 15 ms per TensorFlow process to sum up."""
        total = 0
        for process in tree:
            try:
                total += process.memory_full_info().pss if proportional else process.memory_info().rss
            except psutil.Error:
                pass
        return total

    def stop_kernel(self, reason):
        self.record.stop_reason = reason
        self.record.stopped_at = self.current_cell[0]
        try:
            os.kill(self.km.provisioner.process.pid, signal.SIGKILL)
        except (ProcessLookupError, AttributeError):
            pass

    def _folder_problem(self):
        used, entries = folder_usage(self.work)
        if used > self.limits.work_folder_bytes:
            return f"wrote more than {self.limits.work_folder_bytes // 2**20} MB to its folder"
        if entries > self.limits.work_folder_files:
            return f"made more than {self.limits.work_folder_files} files in its folder"
        return None

    def run(self):  # noqa: D102 (threading API)
        ticks = 0
        while not self.done.wait(0.2):
            ticks += 1
            every_second = ticks % 5 == 0
            problem = self._folder_problem() if every_second else None
            if problem:
                self.stop_kernel(problem)
                return
            process = getattr(self.km.provisioner, "process", None)
            if process is None:
                continue
            try:
                root = psutil.Process(process.pid)
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:
                continue
            # Proportional memory is never more than resident memory: it is read only once
            # a second, for the peak, and when resident memory is over the limit.
            memory = self._memory(tree, proportional=False)
            if every_second or memory > self.limits.memory_bytes:
                memory = self._memory(tree, proportional=True)
                self.record.peak_memory_bytes = max(self.record.peak_memory_bytes, memory)
            processes = len(tree)
            if processes > self.limits.process_tree:
                self.stop_kernel(f"started more than {self.limits.process_tree} processes")
                return
            if memory > self.limits.memory_bytes:
                self.stop_kernel(f"used more than {self.limits.memory_bytes // 2**20} MB of memory")
                return
            if time.monotonic() > self.deadline:
                self.stop_kernel(f"ran longer than the notebook limit of "
                                 f"{self.limits.notebook_seconds} s")
                return


async def _run_quietly(client, code, timeout):
    """Run grader code in the kernel, outside the notebook and its history; True if it
    finished without an error."""
    reply = await client.kc.execute_interactive(code, store_history=False, allow_stdin=False,
                                                timeout=timeout, output_hook=lambda msg: None)
    return reply.get("content", {}).get("status") == "ok"


def export_source(export, work):
    """Code for the kernel that writes one question's answer variables as inert files."""
    folder = str(Path(work) / VALUES / export.grade_id)
    return ("__import__('helpers.checks.crossing', fromlist=['export']).export("
            f"get_ipython().user_ns, {list(export.names)!r}, {folder!r})")


async def _execute(job, notebook, folder):
    limits = sandbox.Limits(**job.limits)
    run = Run()
    km = _SandboxKernelManager(
        kernel_name=KERNEL_NAME, transport="ipc", ip=f"{job.work}/ipc",
        kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(_kernel_spec_folder(job, folder))]))
    km.connection_file = f"{job.work}/connection.json"
    if job.sandboxed and os.geteuid() == 0:
        km.sandbox_uid = job.uid
    client = _LimitedClient(
        notebook, km=km, timeout=limits.cell_seconds, startup_timeout=120, allow_errors=True,
        interrupt_on_timeout=True, limits=limits, run=run,
        error_on_timeout={"ename": "CellTimeout", "evalue":
                          f"stopped at the limit of {limits.cell_seconds} s", "traceback": []},
        resources={"metadata": {"path": job.work}})
    current_cell = [None]
    memory = cgroups.MemoryGroup.at(job.memory_group) if job.memory_group else None
    kills_before = memory.oom_kills() if memory else 0
    watchdog = _Watchdog(km, limits, run, current_cell, job.work)
    exports = {export.cell: export for export in job.exports}
    try:
        log = open(folder / "kernel.log", "wb")  # the kernel process's own stdout and stderr
        async with client.async_setup_kernel(stdout=log, stderr=log):
            watchdog.start()
            run.started = await _run_quietly(client, PRELUDE, timeout=120)
            if not run.started:
                run.stop_reason = "the kernel did not answer the grader before the first cell"
                return run
            for index, cell in enumerate(notebook.cells):
                if cell.cell_type != "code":
                    continue
                current_cell[0] = index
                await client.async_execute_cell(cell, index)
                if index in exports:
                    await _run_quietly(client, export_source(exports[index], job.work),
                                       limits.cell_seconds)
    except _Refused:
        run.refused = True
        watchdog.stop_kernel("the kernel sent a message the grader could not read")
    except (DeadKernelError, RuntimeError, TimeoutError, asyncio.TimeoutError) as error:
        if run.stop_reason is None:
            run.stopped_at = current_cell[0]
            run.stop_reason = ("the kernel died" if isinstance(error, DeadKernelError)
                               else f"the kernel stopped answering ({type(error).__name__})")
    finally:
        watchdog.done.set()
    if memory and memory.oom_kills() > kills_before:  # the kernel stopped it, not the watchdog
        run.stop_reason = (f"used more than {limits.memory_bytes // 2**20} MB of memory "
                           "(files kept in memory included)")
    return run


def execute(folder):
    """Run the job in ``folder`` and write its results there."""
    folder = Path(folder)
    job = records.load(Job, folder / "job.json")
    notebook = nbformat.read(folder / "input.ipynb", as_version=4)
    run = asyncio.run(_execute(job, notebook, folder))
    nbformat.write(notebook, folder / "executed.ipynb")
    records.dump(run, folder / "run.json")


def serve():
    """Run the jobs named on stdin, one at a time, until stdin closes; answer each with
    ``done``, after a ``failed ...`` line if the executor itself failed."""
    for line in sys.stdin:
        try:
            execute(line.strip())
        except Exception as error:  # reported to the grader, which records the failure
            print(f"failed {type(error).__name__}: {error}".replace("\n", " "), flush=True)
        print("done", flush=True)


if __name__ == "__main__":
    serve() if sys.argv[1:] == ["--serve"] else execute(sys.argv[1])
