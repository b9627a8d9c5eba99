"""Run a notebook in the kernel of another Python environment, and read its checks' verdicts."""

import json

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient


def run_in(python, notebook, folder, launcher=(), env=None):
    """Execute ``notebook`` in place in a kernel of ``python``, working in ``folder``.

    Args:
        launcher: a command the kernel is started through (Binder's ``.binder/start``).
        env: environment variables for the kernel.
    """
    spec = folder / "kernels" / "other"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [*map(str, launcher), str(python), "-m", "ipykernel_launcher",
                 "-f", "{connection_file}"],
        "display_name": "another environment", "language": "python", "env": env or {}}))
    km = KernelManager(kernel_name="other",
                       kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(folder / "kernels")]))
    NotebookClient(notebook, km=km, timeout=600, resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def verdicts(notebook):
    """The HTML of every check's feedback box ("<b>Correct</b>: ...") in an executed notebook."""
    return [output.data["text/html"] for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.outputs if "text/html" in output.get("data", {})
            and "</b>:" in output.data["text/html"]]
