"""The sandbox a student's kernel runs in: bubblewrap, with limits.

Inside it the kernel sees the system (``/usr``, ``/etc``), this Python and its environment,
and the course's ``helpers`` package, all read-only, plus one writable working folder.
It has no network, its own process tree, and no view of the course (``solutions/``, the
gradebook, other students' work) or of the instructor's home. Run as root, the kernel also
drops to an unprivileged user of its own (one per parallel slot), so that a limit on the
number of processes applies to it alone.
"""

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

import helpers

FIRST_SANDBOX_UID = 61000  # as root, kernels run as uids from here, judges from 62000
UIDS_PER_RUN = 100         # a grading run holds a block of 100 of each (up to 100 slots)
MAX_RUNS = 9               # grading runs on one machine at once


@dataclass(frozen=True)
class Users:
    """The users one grading run's slots run as (as root): held for the whole run, so that
    two runs on one machine never share, or kill, each other's sandbox users."""
    kernels: tuple
    judges: tuple
    lock: object = None      # the open, locked file that holds the block


def default_lock_folder():
    """Where grading runs hold their locks: root's in /run (no other user can create or
    hold them there), anyone else's in their own ~/.cache, apart from every other user's."""
    folder = (Path("/run/intro-dl-grading") if os.geteuid() == 0 and Path("/run").is_dir()
              else Path.home() / ".cache" / "intro-dl-grading")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def claim_users(slots, lock_folder=None):
    """Lock a free block of sandbox users for ``slots`` parallel slots."""
    if slots > UIDS_PER_RUN:
        raise ValueError(f"at most {UIDS_PER_RUN} slots")
    lock_folder = lock_folder or default_lock_folder()
    for block in range(MAX_RUNS):
        handle = open(Path(lock_folder) / f"intro-dl-grading-users-{block}.lock", "a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        first = FIRST_SANDBOX_UID + 2 * UIDS_PER_RUN * block
        return Users(tuple(range(first, first + slots)),
                     tuple(range(first + UIDS_PER_RUN, first + UIDS_PER_RUN + slots)), handle)
    raise SandboxUnavailable(f"{MAX_RUNS} grading runs are already running on this machine")


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot run here (no bubblewrap, not Linux, or namespaces refused)."""


@dataclass(frozen=True)
class Limits:
    """What one submission's kernel may use."""
    memory_bytes: int = 2 * 1024**3        # resident memory of the whole sandbox
    address_space_bytes: int = 8 * 1024**3  # hard per-process backstop (TensorFlow maps ~2.5 GB)
    processes: int = 256                   # processes and threads: a hard cap from the kernel
    process_tree: int = 32                 # processes (not threads) before the sandbox is stopped
    cell_seconds: int = 120
    notebook_seconds: int = 600
    output_bytes: int = 1_000_000          # printed text per cell; the rest is dropped with a note
    rich_output_bytes: int = 30_000_000    # plots, HTML, animations per cell
    notebook_output_bytes: int = 50_000_000  # every message of the whole notebook, widgets too
    file_bytes: int = 200 * 1024**2        # the largest file the kernel may write
    work_folder_bytes: int = 500 * 1024**2  # everything in the kernel's working folder
    work_folder_files: int = 10_000         # files and folders in it
    scratch_bytes: int = 64 * 1024**2      # /tmp and /dev/shm each (in memory); 1 MB elsewhere


def _read_only_paths():
    """Folders the kernel needs to read: this Python, its environment, the helpers package."""
    paths = {Path(sys.base_prefix), Path(sys.prefix), Path(helpers.__file__).parent}
    paths.add(Path(sysconfig.get_paths()["purelib"]))
    return sorted(p.resolve() for p in paths if p.exists())


def check_available():
    """Raise SandboxUnavailable with the reason if this machine cannot run the sandbox."""
    if not sys.platform.startswith("linux"):
        raise SandboxUnavailable(f"the sandbox needs Linux (this is {sys.platform})")
    if shutil.which("bwrap") is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed; `make grade` installs it")
    for tool in ("prlimit", "setpriv"):
        if shutil.which(tool) is None:
            raise SandboxUnavailable(f"{tool} (util-linux) is not installed")
    with tempfile.TemporaryDirectory(prefix="sandbox-check-") as work:
        prepare_work_folder(work, FIRST_SANDBOX_UID - 1)
        tried = subprocess.run(wrap([sys.executable, "-c", "pass"], work, FIRST_SANDBOX_UID - 1,
                                    Limits()),
                               capture_output=True, text=True)
    if tried.returncode != 0:
        raise SandboxUnavailable(f"bubblewrap cannot start a sandbox here: {tried.stderr.strip()}")


def wrap(command, work, uid, limits, read_only=()):
    """The argv that runs ``command`` in the sandbox, with ``work`` as its only writable folder.

    ``work`` is bound at the same path inside, so paths in a kernel's connection file hold;
    so are the folders in ``read_only``. As root, the command runs as ``uid``.
    """
    read_only = [Path(p).resolve() for p in read_only]
    work = Path(work).resolve()
    argv = ["bwrap", "--die-with-parent", "--new-session",
            "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--hostname", "sandbox",
            "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for name in ("bin", "lib", "lib64", "sbin"):
        if os.path.islink(f"/{name}"):
            argv += ["--symlink", os.readlink(f"/{name}"), f"/{name}"]
        elif os.path.isdir(f"/{name}"):
            argv += ["--ro-bind", f"/{name}", f"/{name}"]
    argv += ["--proc", "/proc", "--dev", "/dev"]
    for folder in ("/tmp", "/dev/shm", "/home", "/root", "/run", "/var", "/mnt"):
        size = limits.scratch_bytes if folder in ("/tmp", "/dev/shm") else 2**20
        argv += ["--size", str(size), "--tmpfs", folder]  # memory no process owns: capped
    mounts = [*_read_only_paths(), *read_only]
    for parent in sorted({str(a) for p in [*mounts, work] for a in p.parents} - {"/"}):
        argv += ["--perms", "0755", "--dir", parent]  # so the sandbox user can walk to its mounts
    for path in mounts:
        argv += ["--ro-bind", str(path), str(path)]
    argv += ["--bind", str(work), str(work), "--chdir", str(work), "--clearenv"]
    for name, value in _environment(work).items():
        argv += ["--setenv", name, value]
    argv += ["--", "prlimit", f"--nproc={limits.processes}", f"--as={limits.address_space_bytes}",
             f"--fsize={limits.file_bytes}", "--core=0", "--"]
    if os.geteuid() == 0:
        argv += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                 "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    else:
        argv[1:1] = ["--unshare-user"]
    return argv + list(command)


def prepare_work_folder(work, uid):
    """Create ``work`` empty and writable by the sandbox user ``uid``."""
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        os.chown(work, uid, uid)
    work.chmod(0o700)
    return work


def clear_user(uid, timeout=15):
    """Kill whatever the sandbox user ``uid`` still runs and wait until it is gone, so the
    next notebook of this slot starts with its whole process allowance (as root only)."""
    if os.geteuid() != 0:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = [p for p in psutil.process_iter(["uids"])
                if p.info["uids"] is not None and p.info["uids"].real == uid]
        if not left:
            return
        for process in left:
            try:
                process.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(left, timeout=1)


def _environment(work):
    threads = "1"  # one thread each: several kernels share the cores, and grades don't vary
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(work), "TMPDIR": str(work), "LANG": "C.UTF-8",
        "MPLCONFIGDIR": str(work / ".matplotlib"), "KERAS_HOME": str(work / ".keras"),
        "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONDONTWRITEBYTECODE": "1",
        "OMP_NUM_THREADS": threads, "TF_NUM_INTRAOP_THREADS": threads,
        "TF_NUM_INTEROP_THREADS": threads,
    }
