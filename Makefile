# The course's entry points. Each installs what it needs into .venv first, if missing or
# out of date: `make lab` the learner set only (no sudo, no apt), `make grade` the instructor
# set and bubblewrap, `make test` the developer set, bubblewrap and chromium.
# The sets are requirements/{learner,instructor,developer}.txt, made by `make lock`.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# nbgrader calls alembic through PATH, so the environment's bin comes first.
RUN    := PATH="$(abspath $(BIN)):$$PATH" TF_CPP_MIN_LOG_LEVEL=3
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
PIP    := $(BIN)/python -m pip install --quiet
# `make lock` runs the uv that the developer set pins, from a venv of its own under build/.
UV_VERSION := $(shell sed -n 's/^uv==//p' requirements/developer.txt)
UV     := build/uv-$(UV_VERSION)/bin/uv

.PHONY: setup lab test headers release bench bench-install grade hub bench-grading lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip

# One stamp per set. The sets share versions (each lock is constrained by the one below),
# so installing a larger set also brings the smaller ones up to date: a developer's .venv
# serves `make lab` and `make grade` without reinstalling.
$(VENV)/.learner: requirements/learner.txt pyproject.toml | $(BIN)/python
	$(PIP) -r requirements/learner.txt
	$(PIP) --no-deps --editable .
	touch $@

$(VENV)/.instructor: requirements/instructor.txt pyproject.toml grading/pyproject.toml | $(BIN)/python
	$(PIP) -r requirements/instructor.txt
	$(PIP) --no-deps --editable . --editable ./grading
	touch $@ $(VENV)/.learner

$(VENV)/.developer: requirements/developer.txt pyproject.toml grading/pyproject.toml | $(BIN)/python
	$(PIP) -r requirements/developer.txt
	$(PIP) --no-deps --editable . --editable ./grading
	touch $@ $(VENV)/.instructor $(VENV)/.learner

setup: $(VENV)/.developer  ## the developer set in .venv, and the Debian packages the tests need
	tools/system-packages.sh bubblewrap chromium npm

lab: $(VENV)/.learner  ## open the course in JupyterLab (LAB_ARGS="--port=..." for more options)
	$(RUN) $(BIN)/jupyter lab $(ROOT_FLAG) $(LAB_ARGS) notebooks/01-single-neuron/tutorial.ipynb

test: setup  ## run the test suite (add PYTEST_ARGS="-k ..." to narrow it)
	$(RUN) $(BIN)/python -m pytest $(PYTEST_ARGS)

headers: $(VENV)/.developer  ## rewrite every notebook's header (Colab/Binder buttons, Colab set-up) from course.toml
	$(RUN) $(BIN)/python tools/headers.py

release: $(VENV)/.developer  ## regenerate notebooks/ from solutions/
	$(RUN) $(BIN)/python tools/release.py

bench: $(VENV)/.developer  ## time every notebook and record it in benchmarks/notebooks.md
	$(RUN) $(BIN)/python tools/bench.py

bench-install: $(VENV)/.developer  ## the size of each installed set, in benchmarks/install.md
	$(RUN) $(BIN)/python tools/bench_install.py

grade: $(VENV)/.instructor  ## grade submissions in sandboxes: make grade ARGS="submitted/ --out DIR" (demo class by default)
	tools/system-packages.sh bubblewrap
	$(RUN) $(BIN)/intro-dl-grade $(ARGS)

hub: $(VENV)/.instructor $(UV)  ## a JupyterHub on this machine for the class in hub/class.toml (as root; Ctrl-C stops it)
	tools/system-packages.sh bubblewrap npm
	$(RUN) $(BIN)/python tools/hub.py --uv $(UV) $(HUB_ARGS)

bench-grading: setup  ## plain nbgrader vs `make grade` on the same class; writes benchmarks/grading.md
	$(RUN) $(BIN)/python tools/bench_grading.py

$(UV):
	$(PYTHON) -m venv build/uv-$(UV_VERSION)
	build/uv-$(UV_VERSION)/bin/python -m pip install --quiet uv==$(UV_VERSION)

lock: $(UV)  ## re-pin requirements/*.txt and .binder/requirements.txt from requirements/*.in (LOCK_ARGS=--upgrade)
	$(PYTHON) tools/lock.py --uv $(UV) $(LOCK_ARGS)

clean:
	rm -rf $(VENV) build test-artifacts
