"""Run a notebook in the kernel of another Python environment, and read its checks' verdicts."""

import json
import sys
from pathlib import Path

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from helpers.checks.core import VERDICT_MIME


def offline_spec(folder, name="python3", python=sys.executable, launcher=(), env=None):
    """Write a kernel spec ``name`` under ``folder/kernels`` whose kernel has no network: it
    runs in a network namespace of its own (``unshare --net``), so it must talk over Unix
    sockets (:func:`offline_kernel`). Returns ``folder``.

    Args:
        launcher: a command the kernel is started through (Binder's ``.binder/start``).
        env: environment variables for the kernel.
    """
    spec = Path(folder) / "kernels" / name
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": ["unshare", "--map-root-user", "--net", *map(str, launcher), str(python), "-m",
                 "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)", "language": "python", "env": env or {}}))
    return Path(folder)


def offline_kernel(folder, name="python3"):
    """A kernel manager for the kernel spec ``name`` that :func:`offline_spec` wrote."""
    return KernelManager(kernel_name=name, transport="ipc", ip=str(Path(folder) / "kernel-ipc"),
                         kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(Path(folder) / "kernels")]))


def run_in(python, notebook, folder, launcher=(), env=None):
    """Execute ``notebook`` in place in an offline kernel of ``python``, working in ``folder``."""
    offline_spec(folder, "other", python, launcher, env)
    NotebookClient(notebook, km=offline_kernel(folder, "other"), timeout=900,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def verdicts(notebook):
    """Each check's verdict record (``{"outcome": "correct", "message": ...}``) in an executed
    notebook, read from the checks' own MIME type, never from their HTML."""
    return [output.data[VERDICT_MIME] for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.outputs if VERDICT_MIME in output.get("data", {})]
