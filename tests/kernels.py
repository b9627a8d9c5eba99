"""Run a notebook in the kernel of another Python environment, and read its checks' verdicts."""

import json

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from helpers.checks.core import VERDICT_MIME


def run_in(python, notebook, folder, launcher=(), env=None):
    """Execute ``notebook`` in place in a kernel of ``python`` with no network, working in
    ``folder``: the kernel runs in a network namespace of its own (``unshare --net``) and
    talks to this process over Unix sockets.

    Args:
        launcher: a command the kernel is started through (Binder's ``.binder/start``).
        env: environment variables for the kernel.
    """
    spec = folder / "kernels" / "other"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": ["unshare", "--map-root-user", "--net", *map(str, launcher), str(python), "-m",
                 "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "another environment", "language": "python", "env": env or {}}))
    km = KernelManager(kernel_name="other", transport="ipc", ip=str(folder / "kernel-ipc"),
                       kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(folder / "kernels")]))
    NotebookClient(notebook, km=km, timeout=900, resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def verdicts(notebook):
    """Each check's verdict record (``{"outcome": "correct", "message": ...}``) in an executed
    notebook, read from the checks' own MIME type, never from their HTML."""
    return [output.data[VERDICT_MIME] for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.outputs if VERDICT_MIME in output.get("data", {})]
