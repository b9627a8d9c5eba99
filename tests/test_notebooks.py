"""Every solution notebook runs top to bottom offline, quietly, and every test in it passes.

The notebooks run in JupyterLab in a browser, with kernels that have no network
(tests/browser.py, collected here so that they and the runs below never execute notebooks at
the same time on the two pytest workers); those runs are checked here. A few notebooks run a
second time here, to show the numbers are the same on every run.

Each notebook's kernel runs in a network namespace of its own (``unshare --net``): it has no
network at all, not even loopback, and talks to this process over Unix sockets (ZeroMQ's
IPC transport) instead of TCP.
"""

import functools
import tempfile

import nbformat
import pytest
from nbclient import NotebookClient

from tests import kernels
from tests.browser import (  # noqa: F401  (the JupyterLab tests, collected here: same worker)
    NETWORK_PROBE, RUN_IN_JUPYTERLAB, browser, lab, page, test_jupyterlab_kernels_have_no_network,
    test_nbgrader_validate_button, test_notebook_runs_in_jupyterlab,
    test_verdicts_are_readable_in_the_dark_theme)
from tests.conftest import LESSONS, REPO
from tests.submissions import answered

SOLUTIONS = [REPO / "solutions" / lesson / name
             for lesson in LESSONS for name in ("tutorial.ipynb", "exercise.ipynb")]
CELL_TIMEOUT = 120  # seconds
OFFLINE_KERNEL = "python3-offline"


@functools.cache
def _offline_kernel_folder():
    """A folder with a kernel spec that starts this Python's kernel without a network."""
    return kernels.offline_spec(tempfile.mkdtemp(prefix="offline-kernel-"), OFFLINE_KERNEL)


def offline_kernel():
    """A kernel manager for a kernel with no network."""
    return kernels.offline_kernel(_offline_kernel_folder(), OFFLINE_KERNEL)


def execute(path):
    """Run a notebook offline in a fresh kernel, from its own folder; return it with outputs."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, km=offline_kernel(), timeout=CELL_TIMEOUT,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return notebook


@pytest.mark.notebooks
def test_the_notebook_kernel_has_no_network(tmp_path):
    """The kernels below can reach neither the internet nor this machine's loopback."""
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(NETWORK_PROBE)])
    path = tmp_path / "probe.ipynb"
    nbformat.write(probe, path)
    printed = execute(path).cells[0].outputs[0].text
    assert "reached" not in printed and printed.count("unreachable") == 2
    assert "ConnectionRefusedError" not in printed  # not even a loopback to refuse


@functools.cache
def executed_solution(path):
    """Each solution notebook is run once and shared by the tests that read its outputs."""
    return execute(path)


def printed(notebook):
    """What each cell printed, joined: how the kernel splits a print into stream messages
    depends on timing, not on the numbers."""
    return ["".join(output.get("text", "") for output in cell.get("outputs", [])
                    if output.get("output_type") == "stream" and output.get("name") == "stdout")
            for cell in notebook.cells if cell.cell_type == "code"]


def _run(path):
    """The notebook as JupyterLab ran it offline (the browser tests come first), or, when
    they were not selected, as a run here, offline too."""
    return RUN_IN_JUPYTERLAB.get(f"{path.parent.name}/{path.name}") or executed_solution(path)


@pytest.mark.notebooks
@pytest.mark.parametrize("path", SOLUTIONS, ids=[f"{p.parent.name}/{p.stem}" for p in SOLUTIONS])
def test_solution_notebook_runs_cleanly(path):
    """Runs offline with no error (so every visible and hidden test passes) and writes
    nothing to stderr (nbgrader would give a graded cell 0 points for it)."""
    notebook = _run(path)
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"cell {index}: {output.get('evalue')}"
            if output.output_type == "stream":
                assert output.name != "stderr", f"cell {index} wrote to stderr: {output.text}"


#: Notebooks run a second time, here, to show that seeds make every number the same: the
#: ones whose numbers come from shuffled minibatches, dropout with early stopping, and a
#: large network.
SAME_NUMBERS = [REPO / "solutions" / lesson for lesson in (
    "03-stochastic-gradient-descent/exercise.ipynb", "06-binary-classification/exercise.ipynb",
    "07-handwritten-digits/exercise.ipynb")]


@pytest.mark.notebooks
@pytest.mark.parametrize("path", SAME_NUMBERS, ids=[f"{p.parent.name}/{p.stem}" for p in SAME_NUMBERS])
def test_solution_notebook_numbers_are_the_same_on_every_run(path):
    """Seeds are set: another run prints exactly the same numbers."""
    runs = [executed_solution(path), _run(path)]
    if runs[0] is runs[1]:  # JupyterLab's run was not selected: run it once more here
        runs[1] = execute(path)
    assert printed(runs[0]) == printed(runs[1])


@pytest.mark.notebooks
def test_exercise_06_compiled_with_accuracy_runs_to_the_end(tmp_path):
    """The compile check accepts ``metrics=["accuracy"]`` (history keys ``accuracy`` and
    ``val_accuracy``): answered that way, exercise 06 runs to its last cell without error."""
    compile_with_accuracy = ('model.compile(optimizer="adam", loss="binary_crossentropy", '
                             'metrics=["accuracy"])')
    path = tmp_path / "exercise.ipynb"
    nbformat.write(answered("06-binary-classification",
                            replace={"answer_compile": compile_with_accuracy}), path)
    notebook = execute(path)
    errors = [output.get("evalue") for cell in notebook.cells for output in cell.get("outputs", [])
              if output.output_type == "error"]
    assert errors == []
    assert "test: cross-entropy" in printed(notebook)[-1] and "accuracy" in printed(notebook)[-1]
