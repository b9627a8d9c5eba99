"""A class of hostile and broken submissions for lesson 01, one per student, for the grader.

Each is the reference submission with one thing done to it. Most attacks sit in the last
answer cell (``answer_untrained_output``, 1 point), so the three questions before it must be
graded normally (4 points) and the attack must gain nothing.
"""

import copy
import json
import warnings

import nbformat

from tests.submissions import DEMO_LESSON as LESSON
from tests.submissions import _grade_id, answered

LAST = "answer_untrained_output"
GIVEN = "x = np.linspace(-1.0, 1.0, 100).reshape(-1, 1)  # 100 examples of one feature each\n"
CORRECT_LAST = (GIVEN + "one_input_model = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1)])\n"
                "y = one_input_model.predict(x, verbose=0)\n")
WRONG_LAST = GIVEN + "one_input_model = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1)])\ny = 0\n"


def _last_answer(code):
    return answered(LESSON, replace={LAST: code})


def _secrets_reader(paths):
    return (
        "found = []\n"
        f"for path in {paths!r}:\n"
        "    try:\n"
        "        with open(path, 'rb') as file:\n"
        "            found.append(file.read(100))\n"
        "        print('READ', path)\n"
        "    except OSError as error:\n"
        "        print('blocked', path, type(error).__name__)\n"
        + WRONG_LAST)


def _without_test(grade_id, notebook):
    notebook.cells = [c for c in notebook.cells if _grade_id(c) != grade_id]
    return notebook


def _duplicated_and_moved(notebook):
    cells = notebook.cells
    test = next(c for c in cells if _grade_id(c) == "input_shape_matches_features")
    last_test = next(c for c in cells if _grade_id(c) == "untrained_output_is_models_line")
    cells.remove(last_test)
    notebook.cells = [last_test, *cells[:6], copy.deepcopy(test), copy.deepcopy(test), *cells[6:]]
    return notebook


def _edited_metadata(notebook):
    """A wrong last answer whose test is emptied and ungraded, and an answer cell worth 100."""
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if _grade_id(cell) == "untrained_output_is_models_line":
            meta["grade"], meta["points"], cell.source = False, 0, "pass"
        if _grade_id(cell) == LAST:
            meta["grade"], meta["points"], meta["locked"] = True, 100, True
    return notebook


def hostile_class(course, out, submitted):
    """Student -> (file name, notebook or raw bytes) for every attack and breakage."""
    solution = str(course / "solutions" / LESSON / "exercise.ipynb")
    return {
        "ada": ("exercise.ipynb", answered(LESSON)),  # an ordinary student in the same run
        "loop": ("exercise.ipynb", _last_answer("while True:\n    pass\n")),
        "stubborn-loop": ("exercise.ipynb", _last_answer(
            "while True:\n    try:\n        while True:\n            pass\n"
            "    except KeyboardInterrupt:\n        pass\n")),
        "memory-bomb": ("exercise.ipynb", _last_answer(
            "blocks = []\nwhile True:\n    blocks.append(bytearray(50 * 2**20))\n")),
        "fork-bomb": ("exercise.ipynb", _last_answer("import os\nwhile True:\n    os.fork()\n")),
        "sys-exit": ("exercise.ipynb", _last_answer("import sys\nsys.exit(0)\n")),
        "os-exit": ("exercise.ipynb", _last_answer("import os\nos._exit(0)\n")),
        "reads-secrets": ("exercise.ipynb", _last_answer(_secrets_reader([
            solution, str(out / "gradebook.db"), str(submitted / "ada" / LESSON / "exercise.ipynb"),
            "/root/.bash_history", "/etc/shadow"]))),
        "writes-gradebook": ("exercise.ipynb", _last_answer(
            "import sqlite3\n"
            f"for target in [{str(out / 'gradebook.db')!r}, {str(course / 'solutions' / 'hacked.db')!r}]:\n"
            "    try:\n"
            "        sqlite3.connect(target).execute('create table hacked (x)')\n"
            "        print('WROTE', target)\n"
            "    except sqlite3.Error as error:\n"
            "        print('blocked', target, error)\n" + WRONG_LAST)),
        "network": ("exercise.ipynb", _last_answer(
            "import socket\n"
            "for address in [('pypi.org', 443), ('127.0.0.1', 22), ('10.0.0.1', 80)]:\n"
            "    try:\n"
            "        socket.create_connection(address, timeout=3)\n"
            "        print('CONNECTED', address)\n"
            "    except OSError as error:\n"
            "        print('blocked', address, type(error).__name__)\n" + WRONG_LAST)),
        "always-equal": ("exercise.ipynb", _last_answer(
            GIVEN + "one_input_model = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1)])\n"
            "class Anything:\n"
            "    def __eq__(self, other):\n        return True\n"
            "    def __ne__(self, other):\n        return False\n"
            "    def __len__(self):\n        return 100\n"
            "y = Anything()\n")),
        "patches-checks": ("exercise.ipynb", _last_answer(
            WRONG_LAST + "questions.untrained_output.check = lambda *args, **kwargs: None\n"
            "np.allclose = lambda *args, **kwargs: True\n")),
        "patches-builtins": ("exercise.ipynb", _last_answer(
            WRONG_LAST + "import builtins\nbuiltins.tuple = lambda *args: (None, 1)\n"
            "builtins.isinstance = lambda *args: True\n")),
        "swallows-errors": ("exercise.ipynb", _last_answer(
            WRONG_LAST + "get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)\n")),
        "deleted-test": ("exercise.ipynb", _without_test(
            "untrained_output_is_models_line", _last_answer(WRONG_LAST))),
        "moved-tests": ("exercise.ipynb", _duplicated_and_moved(answered(LESSON))),
        "edited-metadata": ("exercise.ipynb", _edited_metadata(_last_answer(WRONG_LAST))),
        "renamed": ("exercise-Copy1.ipynb", answered(LESSON)),
        "corrupt-json": ("exercise.ipynb", json.dumps(nbformat.writes(answered(LESSON)))[:500].encode()),
        "not-a-notebook": ("exercise.ipynb", b'{"answer": 42}'),
        "only-a-pdf": ("exercise.pdf", b"%PDF-1.4 not a notebook"),
        "huge-output": ("exercise.ipynb", _last_answer(
            "for _ in range(40):\n    print('x' * 1_000_000)\n" + CORRECT_LAST)),
    }


def write_class(students, submitted):
    """Write ``hostile_class`` into nbgrader's layout under ``submitted``."""
    for student, (name, content) in students.items():
        path = submitted / student / LESSON / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # duplicated cells repeat their ids, as intended
                nbformat.write(content, path)
