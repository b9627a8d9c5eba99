"""A memory limit that also counts tmpfs: one memory cgroup per sandbox slot, where the
machine lets the grader make one.

The grader's own watchdog adds up the memory of the kernel's processes, but files a kernel
writes to a tmpfs belong to no process. A memory cgroup counts them, and the kernel enforces
its limit: the sandbox is stopped when it goes past it. The group is made under the
grader's own cgroup, with cgroup v2 where the memory controller is delegated to it (its
``cgroup.subtree_control`` lists ``memory``), or with cgroup v1's memory controller. Where
neither can be written (not root, no delegation), there is no group and the watchdog's
limit plus the sandbox's capped tmpfs sizes are what hold.
"""

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class MemoryGroup:
    """A memory cgroup with a limit: a folder in the cgroup file system."""
    path: Path
    version: int  # 1 or 2

    @classmethod
    def at(cls, path):
        """The group at ``path`` (as made by :func:`create`)."""
        path = Path(path)
        return cls(path, 2 if (path / "memory.max").exists() else 1)

    @property
    def procs(self):
        return self.path / "cgroup.procs"

    def oom_kills(self):
        """How many times the limit has stopped a process in the group so far."""
        if self.version == 2:
            events = dict(line.split() for line in (self.path / "memory.events").read_text().splitlines())
            return int(events.get("oom_kill", 0))
        control = dict(line.split() for line in (self.path / "memory.oom_control").read_text().splitlines())
        return int(control.get("oom_kill", 0))


def _own_groups(proc_self_cgroup="/proc/self/cgroup"):
    """(v2 path, v1 memory path) of this process's cgroups, each None if absent."""
    v2 = v1 = None
    for line in Path(proc_self_cgroup).read_text().splitlines():
        number, controllers, path = line.split(":", 2)
        if number == "0" and controllers == "":
            v2 = path
        elif "memory" in controllers.split(","):
            v1 = path
    return v2, v1


def _parents():
    """Where a memory group may be made, in order of preference, with its version."""
    v2, v1 = _own_groups()
    for base in (ROOT, ROOT / "unified"):
        if v2 is not None:
            parent = base / v2.lstrip("/")
            control = parent / "cgroup.subtree_control"
            if control.is_file() and "memory" in control.read_text().split():
                yield parent, 2
    if v1 is not None:
        yield ROOT / "memory" / v1.lstrip("/"), 1


def create(name, memory_bytes):
    """A fresh memory group ``name`` limited to ``memory_bytes`` with no swap, or None."""
    for parent, version in _parents():
        group = MemoryGroup(parent / name, version)
        try:
            remove(group)
            group.path.mkdir()
            if version == 2:
                (group.path / "memory.max").write_text(str(memory_bytes))
                (group.path / "memory.swap.max").write_text("0")
            else:
                (group.path / "memory.limit_in_bytes").write_text(str(memory_bytes))
                swap = group.path / "memory.memsw.limit_in_bytes"
                if swap.exists():
                    swap.write_text(str(memory_bytes))
            return group
        except OSError:
            remove(group)
    return None


def enter(group, command):
    """``command`` started inside ``group``: a shell moves itself in, then becomes it."""
    if group is None:
        return list(command)
    return ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', str(group.procs), *command]


def remove(group, timeout=10):
    """Kill what is left in ``group`` and delete it (nothing if it does not exist)."""
    if group is None or not group.path.is_dir():
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = [int(p) for p in group.procs.read_text().split()]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            group.path.rmdir()
            return
        except OSError:
            time.sleep(0.1)


def remove_orphans(prefix):
    """Remove the groups named ``<prefix><pid>-...`` whose process ``pid`` is gone (a grader
    killed outright), with whatever still runs in them."""
    for parent, version in _parents():
        for path in parent.glob(f"{prefix}*"):
            pid = path.name[len(prefix):].split("-")[0]
            if pid.isdigit() and not psutil.pid_exists(int(pid)):
                remove(MemoryGroup(path, version))
