"""Lock the three dependency sets and prove that each installs wherever the course runs.

``uv pip compile --universal`` turns ``requirements/<set>.in`` into ``requirements/<set>.txt``:
exact versions, with markers where a platform needs another wheel. Each set's ``.in``
constrains it by the lock of the set below it (learner < instructor < developer), so the
sets share versions and a developer's ``.venv`` serves ``make lab`` as it is. Then each set is
resolved again, from wheels only, for every platform and Python in ``TARGETS``: it must
resolve, and need nothing that its lock does not pin. Last, ``.binder/requirements.txt`` is
the learner lock as it resolves on Binder (Linux x86_64, the Python of ``.binder/runtime.txt``).

Usage: python tools/lock.py --uv PATH [--upgrade] [--check]
  --upgrade  take the newest versions the .in files allow (default: keep the locked ones)
  --check    only resolve the existing locks on every target; rewrite nothing
Exits 1 when a set does not resolve on some target, naming each one.
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REQUIREMENTS = REPO / "requirements"
BINDER = REPO / ".binder"
SETS = ("learner", "instructor", "developer")  # each builds on the one before
PLATFORMS = {  # uv's --python-platform names; TensorFlow 2.21's Linux wheels are manylinux_2_27
    "Linux x86_64": "x86_64-manylinux_2_28",
    "macOS arm64": "aarch64-apple-darwin",
    "Windows x86_64": "x86_64-pc-windows-msvc",
}
PYTHONS = ("3.11", "3.12", "3.13")
TARGETS = [(platform, python) for platform in PLATFORMS for python in PYTHONS]
HEADER = """\
# The {name} set: exact versions for {platforms}; Python {pythons}.
# Made by `make lock` (uv pip compile --universal) from requirements/{name}.in. Do not edit.
# Install: python -m pip install -r requirements/{name}.txt
"""
BINDER_HEADER = """\
# Binder: the learner set (requirements/learner.txt) for Linux x86_64, Python {python}.
# Made by `make lock`. Do not edit.
"""


def normalize(name):
    """A package name as PyPI compares them (PEP 503): ``Jinja2`` -> ``jinja2``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text):
    """``{(name, version)}`` of the ``name==version`` lines of a requirements file, markers dropped."""
    found = set()
    for line in text.splitlines():
        requirement = line.split("#", 1)[0].split(";", 1)[0].strip()
        if "==" in requirement:
            name, version = requirement.split("==", 1)
            found.add((normalize(name), version.strip()))
    return found


def uv(uv_path, *args):
    """Run ``uv pip compile`` with ``args`` in the repository; return (ok, stdout or errors)."""
    # --python: this interpreter, so that uv does not search for one of each target version;
    # --python-version still sets the version resolved for.
    result = subprocess.run([uv_path, "pip", "compile", "--quiet", "--no-header", "--no-annotate",
                             f"--python={sys.executable}", *args],
                            cwd=REPO, capture_output=True, text=True)
    return result.returncode == 0, result.stdout if result.returncode == 0 else result.stderr


def lock(uv_path, name, upgrade):
    """Write requirements/<name>.txt from requirements/<name>.in for every platform."""
    out = REQUIREMENTS / f"{name}.txt"
    ok, output = uv(uv_path, "--universal", f"--python-version={PYTHONS[0]}",
                    *(["--upgrade"] if upgrade else []),
                    f"requirements/{name}.in", "-o", str(out.relative_to(REPO)))
    if not ok:
        sys.exit(f"requirements/{name}.in does not resolve:\n{output}")
    out.write_text(HEADER.format(name=name, platforms=", ".join(PLATFORMS),
                                 pythons=f"{PYTHONS[0]}-{PYTHONS[-1]}") + out.read_text())


def resolve_on(uv_path, name, platform, python):
    """The set resolved for one platform and Python from wheels only, within its lock.

    Returns:
        (pins, problem): the resolved pins, and None or why the set fails there (it does not
        resolve, or it needs a package or version that the lock does not pin).
    """
    ok, output = uv(uv_path, f"requirements/{name}.in", "-c", f"requirements/{name}.txt",
                    f"--python-platform={PLATFORMS[platform]}", f"--python-version={python}",
                    "--only-binary=:all:")
    if not ok:
        return set(), output.strip()
    unpinned = pins(output) - pins((REQUIREMENTS / f"{name}.txt").read_text())
    if unpinned:
        return set(), "not in the lock: " + ", ".join(f"{n}=={v}" for n, v in sorted(unpinned))
    return pins(output), None


def binder_python():
    """The Python version Binder runs, from .binder/runtime.txt (``python-3.11``)."""
    return (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uv", required=True, help="the uv executable")
    parser.add_argument("--upgrade", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    failures = []
    for name in SETS:
        if not args.check:
            lock(args.uv, name, args.upgrade)
        for platform, python in TARGETS:
            resolved, problem = resolve_on(args.uv, name, platform, python)
            print(f"{name:10} {platform:15} Python {python}: {problem or 'ok'}", flush=True)
            if problem:
                failures.append(f"{name} on {platform}, Python {python}")
            elif (name, platform, python) == ("learner", "Linux x86_64", binder_python()) \
                    and not args.check:
                (BINDER / "requirements.txt").write_text(
                    BINDER_HEADER.format(python=python)
                    + "".join(f"{n}=={v}\n" for n, v in sorted(resolved)))
    if failures:
        sys.exit("Does not resolve:\n  " + "\n  ".join(failures))


if __name__ == "__main__":
    main()
