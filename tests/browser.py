"""The course in JupyterLab, in a real browser: Debian's Chromium driven by playwright.

JupyterLab serves a copy of solutions/ (so every answer exists) on a free localhost port.
Each lesson's tutorial and exercise is opened, run with *Run → Run All Cells*, and saved;
then the page must show no error and no stderr, every image output must be drawn in the
page, and every widget must be displayed as a widget. A screenshot of each notebook goes to
test-artifacts/browser/. Then nbgrader's own lab extension validates an answered copy of
a released exercise with its *Validate* button, and the checks' verdict boxes must stay
readable (WCAG AA contrast) in JupyterLab's dark theme.

The browser must be installed (``make setup`` does it): this test fails, not skips, without it.
The tests are collected through tests/test_notebooks.py, so that they share a pytest worker
with the other tests that execute every notebook instead of running at the same time.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest

from tests import contrast
from tests.conftest import LESSONS, REPO
from tests.kernels import offline_spec
from tests.submissions import answered

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts" / "browser"
NOTEBOOKS = [f"{lesson}/{name}" for lesson in LESSONS for name in ("tutorial.ipynb", "exercise.ipynb")]
#: Each notebook as JupyterLab ran and saved it: tests/test_notebooks.py compares its
#: printed numbers with the offline run's.
RUN_IN_JUPYTERLAB = {}
TOKEN = "course-browser-test"
RUN_TIMEOUT_MS = 300_000


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _settings(folder):
    """JupyterLab settings for a test: render every cell (no windowing), no news, no updates."""
    for plugin, values in {
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    }.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


NETWORK_PROBE = (
    "import socket\n"
    "for address in [('pypi.org', 443), ('127.0.0.1', 9)]:\n"
    "    try:\n"
    "        socket.create_connection(address, timeout=2)\n"
    "        print('reached', address)\n"
    "    except OSError as error:\n"
    "        print('unreachable', address, type(error).__name__)")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of solutions/ and one answered released exercise, whose
    kernels have no network (so every notebook here runs offline)."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(REPO / "solutions", root / "solutions")
    nbformat.write(answered("01-single-neuron"), root / "released-exercise.ipynb")
    nbformat.write(nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(NETWORK_PROBE)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}}), root / "network-probe.ipynb")
    _settings(root / ".settings")
    kernels = offline_spec(tmp_path_factory.mktemp("jupyter-path"))  # named python3: the default
    # nbgrader's Validate button starts its own kernel, with nbgrader's configuration
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.KernelManager.transport = 'ipc'\n"
        f"c.KernelManager.ip = {str(kernels / 'validate-ipc')!r}\n")
    yield from jupyterlab(root, root / ".settings", [
        f"--ServerApp.root_dir={root}", f"--LabApp.workspaces_dir={root / '.workspaces'}",
        "--KernelManager.transport=ipc", f"--KernelManager.ip={kernels / 'kernel-ipc'}"],
        {"JUPYTER_PATH": str(kernels)}, lambda url: (url, root))


def jupyterlab(cwd, settings, arguments, env, give):
    """Start JupyterLab in ``cwd`` on a free port, yield ``give(url)``, then stop it."""
    port = _free_port()
    bin_dir = os.path.dirname(sys.executable)
    log = open(cwd / "lab.log", "w")
    server = subprocess.Popen(
        [os.path.join(bin_dir, "jupyter"), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={TOKEN}", f"--LabApp.user_settings_dir={settings}",
         "--allow-root", *arguments],
        cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
        env={**{k: v for k, v in os.environ.items() if k != "MPLBACKEND"},  # the tests' Agg
             "PATH": f"{bin_dir}:{os.environ['PATH']}", **env})
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start: " + (cwd / "lab.log").read_text()[-2000:])
    yield give(url)
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    assert os.path.exists(CHROMIUM), "Debian's chromium is missing: run `make setup`"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def _open(page, url, path):
    """Open one notebook in a fresh layout; return its panel once its kernel is idle."""
    page.goto(f"{url}/lab/tree/{path}?reset&token={TOKEN}")
    panel = page.locator(".jp-NotebookPanel:visible")
    panel.locator(".jp-Notebook").wait_for()
    # the status bar says "Idle" only once the kernel has started and connected
    page.locator(".jp-StatusBar-Widget").get_by_text(re.compile(r"\| Idle$")).wait_for(timeout=120_000)
    return panel


def _menu(page, menu, item):
    page.locator("#jp-MainMenu").get_by_text(menu, exact=True).click()
    page.locator(".lm-Menu-content").get_by_text(item, exact=True).click()


def _run_all_and_save(page, panel):
    _menu(page, "Run", "Run All Cells")
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""", timeout=RUN_TIMEOUT_MS, polling=500)
    panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for()
    _menu(page, "File", "Save Notebook")
    page.locator(".lm-TabBar-tab.jp-mod-dirty").wait_for(state="detached")


def _saved(root, path):
    return nbformat.read(root / path, as_version=4)


@pytest.mark.browser
def test_jupyterlab_kernels_have_no_network(lab, page):
    """The notebooks below run offline: their kernel reaches neither the internet nor this
    machine's loopback (not even to be refused)."""
    url, root = lab
    _run_all_and_save(page, _open(page, url, "network-probe.ipynb"))
    printed = _saved(root, "network-probe.ipynb").cells[0].outputs[0].text
    assert "reached" not in printed and printed.count("unreachable") == 2
    assert "ConnectionRefusedError" not in printed


@pytest.mark.browser
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_in_jupyterlab(lab, page, notebook):
    url, root = lab
    path = f"solutions/{notebook}"
    panel = _open(page, url, path)
    _run_all_and_save(page, panel)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{notebook.replace('/', '-')[:-6]}.png"))

    saved = _saved(root, path)
    RUN_IN_JUPYTERLAB[notebook] = saved
    outputs = [o for c in saved.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"], "an error in the saved notebook"
    assert panel.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0

    images = sum("image/png" in o.get("data", {}) for o in outputs)
    shown, drawn = page.evaluate("""() => {
        const images = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedImage img')];
        return [images.length, images.filter(img => img.complete && img.naturalWidth > 0).length];
    }""")
    assert drawn == shown >= images  # widgets' own plots come on top of the saved ones
    widgets = sum("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    if widgets:
        assert panel.locator(".jp-OutputArea-output .jupyter-widgets").count() >= widgets
    assert panel.get_by_text("Error displaying widget").count() == 0
    assert "tutorial" not in notebook or images > 0  # every tutorial draws


@pytest.mark.browser
def test_nbgrader_validate_button(lab, page):
    url, _ = lab
    panel = _open(page, url, "released-exercise.ipynb")
    panel.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate", exact=True).click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=180_000)
    dialog.get_by_text("passes all the tests").or_(dialog.get_by_text("failed")).first.wait_for(timeout=180_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "validate.png"))
    text = dialog.inner_text()
    assert "Success! Your notebook passes all the tests." in text, text


#: A notebook that shows a verdict of every kind: a real check (nothing answered, so "Not
#: attempted yet") and a correct and an incorrect verdict as the checks display them.
VERDICTS = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    "from helpers.checks import single_neuron as questions\n"
    "from helpers.checks.core import Feedback, Outcome\n"
    "\n"
    "display(Feedback(Outcome.CORRECT, 'the model is one linear unit.'))\n"
    "display(Feedback(Outcome.INCORRECT, 'the model has 2 units; a linear unit has 1.'))\n"
    "questions.input_shape.check()"
)], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                             "language": "python"}})


def _theme(page, name):
    _menu(page, "Settings", "Theme")
    page.locator(".lm-Menu-content").get_by_text(name, exact=True).click()
    page.wait_for_function("name => document.body.dataset.jpThemeName === name", arg=name)


@pytest.mark.browser
def test_verdicts_are_readable_in_the_dark_theme(lab, page):
    url, root = lab
    nbformat.write(VERDICTS, root / "verdicts.ipynb")
    panel = _open(page, url, "verdicts.ipynb")
    _theme(page, "JupyterLab Dark")
    try:
        _menu(page, "Run", "Run All Cells")
        boxes = panel.locator(".jp-OutputArea-output .intro-dl-verdict")
        boxes.nth(2).wait_for(timeout=RUN_TIMEOUT_MS)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dark-theme-verdicts.png"))
        rendered = boxes.evaluate_all("""boxes => boxes.map(box => {
            const word = box.querySelector('b');
            return {text: box.innerText, colour: getComputedStyle(box).color,
                    background: getComputedStyle(box).backgroundColor,
                    accent: getComputedStyle(word).color};
        })""")
        page_background = page.evaluate(
            "() => getComputedStyle(document.querySelector('.jp-Notebook')).backgroundColor")
    finally:
        _theme(page, "JupyterLab Light")  # the settings are shared with the other tests
    assert contrast.luminance(page_background) < 0.1, "the dark theme is not on"
    assert [box["text"].split(":")[0] for box in rendered] == ["Correct", "Not quite", "Not attempted yet"]
    for box in rendered:
        assert contrast.ratio(box["colour"], box["background"]) >= contrast.AA, box
        assert contrast.ratio(box["accent"], box["background"]) >= contrast.AA, box
