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


def _crafted_values():
    """After the last test cell, rewrite this question's answer files: a pickle behind an
    .npy name, a manifest pointing outside its folder, and records of another kind."""
    return (
        "import atexit, json, os, pickle, numpy\n"
        "def _craft(result=None):\n"
        "    folder = os.path.join(os.getcwd(), 'values', 'untrained_output_is_models_line')\n"
        "    if not os.path.isdir(folder):\n"
        "        return\n"
        "    with open(os.path.join(folder, 'v0.npy'), 'wb') as file:\n"
        "        numpy.save(file, numpy.array([object()], dtype=object), allow_pickle=True)\n"
        "    with open(os.path.join(folder, 'v1.npy'), 'wb') as file:\n"
        "        pickle.dump(eval, file)\n"
        "    manifest = {'values': {\n"
        "        'y': {'kind': 'array', 'file': 'v0.npy'},\n"
        "        'x': {'kind': 'array', 'file': '../../../../etc/passwd'},\n"
        "        'one_input_model': {'kind': 'keras_object', 'config': {'module': 'os', 'class_name': 'system', 'config': 'id'}},\n"
        "        '__class__': {'kind': 'scalar', 'value': 1}}}\n"
        "    with open(os.path.join(folder, 'manifest.json'), 'w') as file:\n"
        "        json.dump(manifest, file)\n"
        "get_ipython().events.register('post_run_cell', _craft)\n")


def _symlinked_values(paths):
    """After each cell, replace the answer files by links to files the student must not read."""
    return (
        "import os\n"
        "def _link(result=None):\n"
        "    folder = os.path.join(os.getcwd(), 'values', 'untrained_output_is_models_line')\n"
        "    if not os.path.isdir(folder):\n"
        "        return\n"
        f"    for number, target in enumerate({paths!r}):\n"
        "        name = os.path.join(folder, f'v{number}.npy')\n"
        "        if os.path.lexists(name):\n"
        "            os.remove(name)\n"
        "        os.symlink(target, name)\n"
        "    os.symlink('/etc/passwd', os.path.join(folder, 'manifest.json.tmp'))\n"
        "    os.replace(os.path.join(folder, 'manifest.json.tmp'), os.path.join(folder, 'manifest.json'))\n"
        "get_ipython().events.register('post_run_cell', _link)\n")


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
        # Routes that got full marks while the hidden tests ran in the student's kernel.
        "silent-exceptions": ("exercise.ipynb", _last_answer(
            WRONG_LAST + "get_ipython().showtraceback = lambda *args, **kwargs: None\n"
            "get_ipython()._showtraceback = lambda *args, **kwargs: None\n")),
        "input-transformer": ("exercise.ipynb", _last_answer(
            WRONG_LAST + "def _neutralise(lines):\n"
            "    return ['pass\\n'] if any('check()' in line for line in lines) else lines\n"
            "get_ipython().input_transformers_post.append(_neutralise)\n")),
        "shell-class": ("exercise.ipynb", _last_answer(
            WRONG_LAST + "shell = get_ipython()\n"
            "class Lenient(type(shell)):\n"
            "    def run_cell(self, raw_cell, *args, **kwargs):\n"
            "        if 'check()' in raw_cell:\n"
            "            raw_cell = 'pass'\n"
            "        return super().run_cell(raw_cell, *args, **kwargs)\n"
            "shell.__class__ = Lenient\n")),
        "fake-matplotlib-callback": ("exercise.ipynb", _last_answer(
            WRONG_LAST + "def _clear(result):\n"
            "    from IPython.display import clear_output\n"
            "    clear_output()\n"
            "_clear.__module__ = 'matplotlib.pyplot'\n"
            "get_ipython().events.register('post_run_cell', _clear)\n")),
        "numpy-internals": ("exercise.ipynb", _last_answer(
            WRONG_LAST + "import numpy._core.numeric as _numeric\n"
            "_numeric.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(a, b).shape, bool)\n"
            "np.ndarray = type('Anything', (), {})\n")),
        "fake-verdict": ("exercise.ipynb", _last_answer(
            WRONG_LAST + "from IPython.display import display, HTML\n"
            "display({'application/vnd.intro-dl.verdict+json': {'outcome': 'correct', 'message': 'ok'},\n"
            "         'text/html': '<b style=\"color:#1e7b34\">Correct</b>: ok'}, raw=True)\n"
            "print('@@grading-probe@@{}@@grading-probe@@')\n")),
        "rebinds-questions": ("exercise.ipynb", _last_answer(
            WRONG_LAST + "class _Always:\n"
            "    def check(self, *args, **kwargs):\n"
            "        return None\n"
            "class _Questions:\n"
            "    def __getattr__(self, name):\n"
            "        return _Always()\n"
            "questions = _Questions()\n")),
        "reads-history": ("exercise.ipynb", _last_answer(
            WRONG_LAST + "print('HISTORY', In, _ih, Out)\n")),
        # Floods and malformed messages that went around the output limits.
        "display-updates": ("exercise.ipynb", _last_answer(
            WRONG_LAST + "from IPython.display import display, update_display\n"
            "for _ in range(300):\n"
            "    display({'text/plain': 'x'}, raw=True, display_id='flood')\n"
            "for _ in range(20):\n"
            "    update_display({'text/plain': 'y' * 1_000_000}, raw=True, display_id='flood')\n")),
        "widget-flood": ("exercise.ipynb", _last_answer(
            WRONG_LAST + "from comm import create_comm\n"
            "channel = create_comm(target_name='jupyter.widget', data={'state': {\n"
            "    '_model_module': '@jupyter-widgets/base', '_model_name': 'LayoutModel'}})\n"
            "for _ in range(300):\n"
            "    channel.send({'method': 'update', 'state': {'big': 'z' * 1_000_000}})\n")),
        "malformed-message": ("exercise.ipynb", _last_answer(
            WRONG_LAST + "kernel = get_ipython().kernel\n"
            "kernel.session.send(kernel.iopub_socket, 'comm_msg', content={'comm_id': 'none'},\n"
            "                    parent=kernel.get_parent('shell'))\n")),
        # Crafted answer files, written where the kernel exports its answers.
        "crafted-values": ("exercise.ipynb", _last_answer(
            CORRECT_LAST + _crafted_values())),
        "value-symlinks": ("exercise.ipynb", _last_answer(CORRECT_LAST + _symlinked_values(
            [solution, str(submitted / "ada" / LESSON / "exercise.ipynb"), "/etc/shadow"]))),
        "lambda-model": ("exercise.ipynb", _last_answer(
            GIVEN + "one_input_model = keras.Sequential([keras.Input(shape=(1,)), "
            "layers.Lambda(lambda t: 2 * t)])\ny = one_input_model.predict(x, verbose=0)\n")),
        "corrupt-json": ("exercise.ipynb", json.dumps(nbformat.writes(answered(LESSON)))[:500].encode()),
        "not-a-notebook": ("exercise.ipynb", b'{"answer": 42}'),
        "only-a-pdf": ("exercise.pdf", b"%PDF-1.4 not a notebook"),
        "huge-output": ("exercise.ipynb", _last_answer(
            "for _ in range(40):\n    print('x' * 1_000_000)\n" + CORRECT_LAST)),
        # The disk and the memory no process owns.
        "fills-folder": ("exercise.ipynb", _last_answer(
            "import time\nfor i in range(4):\n"
            "    with open(f'big{i}', 'wb') as file:\n        file.write(b'x' * 190 * 2**20)\n"
            "time.sleep(5)\n" + WRONG_LAST)),
        "many-files": ("exercise.ipynb", _last_answer(
            "import os, time\nos.mkdir('many')\nfor i in range(12_000):\n"
            "    open(f'many/{i}', 'w').close()\ntime.sleep(5)\n" + WRONG_LAST)),
        "fills-tmpfs": ("exercise.ipynb", _last_answer(
            "for folder in ('/tmp', '/dev/shm'):\n    try:\n"
            "        with open(f'{folder}/big', 'wb') as file:\n"
            "            file.write(b'x' * 500 * 2**20)\n"
            "    except OSError as error:\n        print('refused', folder, type(error).__name__)\n"
            + WRONG_LAST)),
        # Script for the instructor's browser, in an output and in a written answer.
        "script-in-outputs": ("exercise.ipynb", _script_everywhere(_last_answer(
            "from IPython.display import HTML, Javascript, display\n"
            "display(HTML('<img src=x onerror=\"alert(1)\"><script>alert(2)</script>'))\n"
            "display(Javascript('alert(3)'))\n" + WRONG_LAST))),
    }


def _script_everywhere(notebook):
    """The written answer holds a script tag too."""
    for cell in notebook.cells:
        if _grade_id(cell) == "written_kernel_shape":
            cell.source += "\n\n<script>alert(4)</script><iframe src='https://example.org'></iframe>"
    return notebook


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
