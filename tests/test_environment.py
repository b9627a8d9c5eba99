"""Binder's environment.yml and the local set-up install the same pinned packages."""

import re

import yaml

from tests.conftest import REPO


def test_environment_yml_installs_the_lock_and_the_helpers():
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert pip_section == ["-r requirements.lock", "-e ."]
    python = next(d for d in environment["dependencies"] if str(d).startswith("python="))
    lock_header = (REPO / "requirements.lock").read_text().splitlines()[1]
    assert f"Python {python.split('=')[1]}" in lock_header


def test_lock_pins_every_package_exactly():
    lines = [line for line in (REPO / "requirements.lock").read_text().splitlines()
             if line and not line.startswith("#")]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[^\s=]+", line) for line in lines)
    names = {line.split("==")[0].lower().replace("_", "-") for line in lines}
    for direct in ("tensorflow-cpu", "nbgrader", "jupyterlab", "mlxtend", "ipywidgets"):
        assert direct in names
