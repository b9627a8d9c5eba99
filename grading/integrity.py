"""Signs that a submission tampered with the code that grades it.

The hidden tests run in the student's own kernel, so student code could in principle change
what they call: rebind ``questions``, patch a check, a builtin or ``np.allclose``, or hook
IPython so that errors vanish. Two defences, both reported as reasons for review:

- a probe, run by the grader before the first student cell and again before every test cell,
  that lists the identity of everything the tests rely on; any change is tampering;
- a screen of the student's own source for the hooks such tricks need.

The probe can be fooled by code written against this very probe (it runs where the student's
code runs); the README says so. It stops the ordinary tricks, and flags the rest for a person.
"""

import ast
import json
import re

MARK = "@@grading-probe@@"

# Modules whose attributes the hidden tests use; helpers.* is added by prefix.
WATCHED_MODULES = ("builtins", "numpy", "keras", "keras.layers", "keras.callbacks", "keras.losses",
                   "keras.metrics", "keras.optimizers", "keras.activations", "keras.models")

_PROBE = '''
def _grading_probe(watched, names):
    import builtins, json, sys, types
    state = {}
    modules = [m for m in list(sys.modules) if m in watched or m == "helpers" or m.startswith("helpers.")]
    for module_name in modules:
        module = sys.modules[module_name]
        state["sys.modules:" + module_name] = id(module)
        for attr, value in list(vars(module).items()):
            key = module_name + "." + attr
            if key in ("builtins.input", "builtins.getpass"):
                continue  # the kernel binds these anew for every cell
            state[key] = id(value)
            code = getattr(value, "__code__", None)
            if code is not None:
                state[key + ".__code__"] = id(code)
            if isinstance(value, type) and value.__module__.startswith("helpers"):
                for method, member in vars(value).items():
                    state[key + "." + method] = id(member)
            elif type(value).__module__.startswith("helpers") and hasattr(value, "__dict__"):
                for field, member in vars(value).items():
                    state[key + "." + field] = id(member)
    user = get_ipython().user_ns
    for name, module_name in names.items():
        if module_name in sys.modules and name in user:
            same = user[name] is sys.modules[module_name]
            state["global:" + name] = "the module" if same else "something else"
    shell = get_ipython()
    state["ipython.custom_exceptions"] = repr(shell.custom_exceptions)
    for hooks in ("input_transformers_cleanup", "input_transformers_post", "ast_transformers"):
        state["ipython." + hooks] = [id(h) for h in getattr(shell, hooks)]
    for event, callbacks in shell.events.callbacks.items():
        state["ipython.events." + event] = sorted(
            getattr(c, "__module__", None) or type(c).__module__ for c in callbacks)
    state["ipython.instance_overrides"] = sorted(k for k in vars(shell) if k in ("run_cell", "run_cell_async", "run_code", "run_ast_nodes", "showtraceback", "_showtraceback"))
    state["ipython.class"] = id(type(shell))
    for hook in ("gettrace", "getprofile"):
        state["sys." + hook] = id(getattr(sys, hook)())
    state["sys.displayhook"] = id(sys.displayhook)
    print(%(mark)r + json.dumps(state) + %(mark)r)
'''


def probe_source(watched_names):
    """Code for the kernel that prints the state the tests rely on, between two marks.

    ``watched_names`` maps names the notebook's own cells import (``np``) to modules (``numpy``).
    """
    return (_PROBE % {"mark": MARK}
            + f"_grading_probe({WATCHED_MODULES!r}, {watched_names!r})\ndel _grading_probe\n")


def read_probe(printed):
    """The state a probe printed, or None if its output is missing or garbled."""
    parts = printed.split(MARK)
    if len(parts) != 3:
        return None
    try:
        return json.loads(parts[1])
    except ValueError:
        return None


# Libraries that add IPython event callbacks of their own as a notebook runs (matplotlib's
# inline backend when it first draws, ipywidgets when it first shows a widget).
TRUSTED_CALLBACK_MODULES = ("matplotlib", "matplotlib_inline", "ipywidgets", "IPython", "ipykernel")


def _untrusted_callbacks(modules):
    return sorted(m for m in modules if not m.split(".")[0] in TRUSTED_CALLBACK_MODULES)


def changes(baseline, now):
    """What differs between two probe states: a sorted list of names."""
    if now is None:
        return ["the integrity probe gave no readable answer"]
    changed = [key for key in baseline if now.get(key) != baseline[key]
               and not (key.startswith("ipython.events.")
                        and _untrusted_callbacks(now.get(key) or []) == _untrusted_callbacks(baseline[key])
                        and set(baseline[key]) <= set(now.get(key) or []))]
    changed += [key for key in now if key.startswith("ipython.events.") and key not in baseline
                and _untrusted_callbacks(now[key])]
    rebound = [key for key, value in now.items()
               if key.startswith("global:") and value == "something else"]
    return sorted(set(changed + rebound))


def prelude_source(watched_names):
    """Code the grader runs before the first cell: import what the tests will rely on, quietly,
    without binding any name the notebook sees, so the first probe records the real thing."""
    # pyplot too: its first import registers the inline backend's IPython event callbacks
    targets = sorted(set(WATCHED_MODULES) | set(watched_names.values()) | {"matplotlib.pyplot"})
    return (
        "def _grading_prelude(targets):\n"
        "    import importlib\n"
        "    from helpers import session\n"
        "    session.quiet_tensorflow()\n"
        "    for target in targets:\n"
        "        try:\n"
        "            importlib.import_module(target)\n"
        "        except ImportError:\n"
        "            pass  # a name imported from a module, not a module\n"
        f"_grading_prelude({targets!r})\n"
        "del _grading_prelude\n"
    )


def imported_names(sources):
    """Names that import statements in ``sources`` bind to modules, e.g. {"np": "numpy"}."""
    names = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        names[alias.asname] = alias.name
                    else:
                        names[alias.name.split(".")[0]] = alias.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


_SUSPICIOUS = [
    (r"get_ipython|\bIPython\b", "uses the IPython shell"),
    (r"__builtins__|\bbuiltins\b", "touches builtins"),
    (r"sys\.modules|importlib|__import__", "changes imported modules"),
    (r"\b(set_custom_exc|input_transformers|ast_transformers|settrace|setprofile|excepthook)\b",
     "hooks how cells run"),
    (r"\bquestions\s*\.\s*\w+\s*\.\s*\w+\s*=|\bsetattr\s*\(|\.__code__", "rewrites code or checks"),
    (r"def\s+__(eq|ne|bool|len|iter|getattr|instancecheck)__", "defines an object that answers anything"),
    (r"\bctypes\b|\bgc\s*\.", "reaches into the interpreter"),
    (r"os\s*\.\s*(_exit|kill|fork|system)|\bsubprocess\b|\bsignal\b", "controls processes"),
    (r"\bsocket\b|urllib|requests\.", "uses the network"),
]


def screen(source):
    """Reasons to look at this student-written source by hand (empty if none)."""
    return [reason for pattern, reason in _SUSPICIOUS if re.search(pattern, source)]
