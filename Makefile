# Backpropagation course. Run `make help` for the targets.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# The CPU build of PyTorch (an optional extra; the tests use it as an oracle). Naming the
# version keeps pip from choosing a multi-GB CUDA build of a newer release.
TORCH_SPEC ?= torch==2.13.0
PORT   ?= 8888
FIRST_NOTEBOOK := course/01_chain_rule.ipynb

# One BLAS thread: the course multiplies small matrices, where a second thread
# only adds contention (20-60x slower products on a busy 2-core machine).
export OPENBLAS_NUM_THREADS = 1

COURSE_NOTEBOOKS := $(sort $(wildcard course/*.ipynb))
SOURCE_NOTEBOOKS := $(sort $(wildcard source/*/*.ipynb))
NBVAL := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
         --nbval-cell-timeout=600
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
# jupyter refuses to run as root without this
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.DEFAULT_GOAL := help
.PHONY: help setup lab test execute clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: $(TEST_STAMP) ## create .venv and install the course, its test tools and PyTorch

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -e .
	mkdir -p $(dir $(LAB_SETTINGS))
	echo '{"@jupyterlab/apputils-extension:notification": {"checkForUpdates": false, "fetchNews": "false"}}' > $(LAB_SETTINGS)
	touch $@

# The test tools and PyTorch (an optional extra for students) on top of the course.
$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --disable-pip-version-check "$(TORCH_SPEC)" -e ".[test,torch,hub]"
	touch $@

lab: $(STAMP) ## start JupyterLab at the first lecture (PORT=8888)
	@echo "Starting JupyterLab; open the http://localhost:$(PORT)/lab/tree/$(FIRST_NOTEBOOK)?token=... URL it prints."
	JUPYTER_CONFIG_DIR="$(CURDIR)/jupyter/student" $(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --port=$(PORT) $(ALLOW_ROOT) \
		--LabApp.default_url=/lab/tree/$(FIRST_NOTEBOOK) $(if $(DISPLAY),,--no-browser)

# Two pytest runs: unit tests + notebooks in parallel (--dist loadfile keeps each
# notebook's cells on one worker, in order; notebooks under tests/ are fixtures,
# not lectures), then the browser test alone so it has both cores.
# Both always run; the target fails if either fails.
test: $(TEST_STAMP) ## run unit tests, nbval on course/ and source/, and the browser test
	@test -n "$(COURSE_NOTEBOOKS)" || { echo "error: no notebooks in course/"; exit 1; }
	@test -n "$(SOURCE_NOTEBOOKS)" || { echo "error: no notebooks in source/*/"; exit 1; }
	@rc=0; \
	$(BIN)/pytest -n 2 --dist loadfile --durations=10 -m "not browser and not hub" $(NBVAL) --ignore-glob='tests/*.ipynb' \
		tests $(COURSE_NOTEBOOKS) $(SOURCE_NOTEBOOKS) || rc=1; \
	$(BIN)/pytest -m browser tests/browser || rc=1; \
	$(BIN)/pytest -m hub tests/hub || rc=1; \
	exit $$rc

execute: $(STAMP) ## re-run every course notebook in place, storing outputs
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=600 $(COURSE_NOTEBOOKS)

clean: ## remove the install stamp and caches (keeps .venv)
	rm -f $(STAMP)
	rm -rf .pytest_cache .hypothesis tests/browser/screenshots *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

# The course's speed against its peers (micrograd, PyTorch, plain nbgrader), measured
# in one run: prints one table and writes benchmarks/results.md (under 10 minutes).
# QUICK=1 runs every row with minimal repeats and tiny sizes: a check of the harness.
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(TEST_STAMP)
	$(BIN)/python -m pip install --disable-pip-version-check "$(TORCH_SPEC)" -e ".[test,torch,bench]"
	touch $@

.PHONY: bench
bench: $(BENCH_STAMP) ## time the course against its peers -> benchmarks/results.md (QUICK=1)
	$(BIN)/python benchmarks/run.py $(if $(QUICK),--quick)

# ---------------------------------------------------------------------------
# Instructor workflow (nbgrader)
# ---------------------------------------------------------------------------
# nbgrader_config.py holds the settings: course "backprop", root = this folder,
# gradebook.db here (NBGRADER_DB_URL overrides), exchange/ here for one machine
# (NBGRADER_EXCHANGE overrides), 30 s per cell when autograding
# (NBGRADER_CELL_TIMEOUT overrides). nbgrader runs `alembic`, so the venv's bin/
# goes first on PATH. A term, in order:
#   make release                       (after editing source/; commit release/)
#   make publish ASSIGNMENT=ps1_chain_rule      (students fetch it from the exchange)
#   make collect ASSIGNMENT=ps1_chain_rule      (or make zip-collect ... ZIP=...)
#   make autograde ASSIGNMENT=ps1_chain_rule
#   make feedback ASSIGNMENT=ps1_chain_rule
#   make grades
NBGRADER := PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m nbgrader
ASSIGNMENTS := $(notdir $(wildcard source/ps*_*))
# Stops a target that needs ASSIGNMENT=<one of source/> before it does anything.
need-assignment = @test -n "$(ASSIGNMENT)" -a -d "source/$(ASSIGNMENT)" || { \
	echo "usage: make $@ ASSIGNMENT=<name> with <name> one of: $(ASSIGNMENTS)"; exit 2; }

.PHONY: release publish collect zip-collect autograde feedback grades formgrader student-edition \
	duedate release-feedback

formgrader: $(STAMP) ## instructors: JupyterLab with nbgrader's formgrader (PORT=8888)
	@echo "Starting JupyterLab with nbgrader's tools; the Nbgrader menu opens the Formgrader."
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
		--port=$(PORT) $(ALLOW_ROOT) --LabApp.default_url=/formgrader $(if $(DISPLAY),,--no-browser)

# What students get: the lectures, the released assignments, utils, the README and the
# set-up files - no source/, no grader/ (hidden checks), no tests.
student-edition: $(STAMP) ## write the student edition of the course to DEST (default dist/student)
	$(BIN)/python -m grader.student_edition "$(or $(DEST),dist/student)"

# generate_assignment also records each assignment and its test cells in the
# gradebook (nbgrader db assignment add), which autograde needs.
release: $(STAMP) ## write release/ from source/ for every assignment (commit release/)
	$(NBGRADER) generate_assignment "*" --force
	@echo "release/ now holds: $(ASSIGNMENTS)"

publish: $(STAMP) ## copy release/ASSIGNMENT to the exchange for students to fetch
	$(need-assignment)
	$(NBGRADER) release_assignment "$(ASSIGNMENT)" --force

collect: $(STAMP) ## copy submissions of ASSIGNMENT from the exchange to submitted/
	$(need-assignment)
	$(NBGRADER) collect "$(ASSIGNMENT)" --update
	$(BIN)/python -m grader.submissions "$(ASSIGNMENT)"

# ZIP is an archive downloaded from an LMS. Files in it must be named
# <student>_<notebook>[-N].ipynb, e.g. alice_ps1_chain_rule.ipynb; anything between
# the first "_" and the notebook name is ignored (alice_48213_ps1_chain_rule.ipynb),
# so student ids contain no "_"; -N marks a later attempt. Run it once per zip: every
# zip given so far is kept, and the latest attempt of each student wins (a higher -N,
# then a later zip). It lists every file it took and every file it skipped.
zip-collect: $(STAMP) ## unpack ZIP=... (files <student>_<notebook>.ipynb) into submitted/
	$(need-assignment)
	@test -f "$(ZIP)" || { echo "usage: make zip-collect ASSIGNMENT=<name> ZIP=<file.zip>"; exit 2; }
	mkdir -p "downloaded/$(ASSIGNMENT)/archive"
	n=$$(ls "downloaded/$(ASSIGNMENT)/archive" | wc -l); \
		cp "$(ZIP)" "downloaded/$(ASSIGNMENT)/archive/$$((n + 1))-$$(basename "$(ZIP)")"
	$(NBGRADER) zip_collect "$(ASSIGNMENT)" --force
	$(BIN)/python -m grader.zip_names "$(ASSIGNMENT)"

# Grades every student in submitted/*/ASSIGNMENT again from scratch (same
# grades on every run), creates students missing from the gradebook, reports
# notebooks that cannot be read by student and file, and ends with a score table.
autograde: $(STAMP) ## grade every submission of ASSIGNMENT (exit 1 if any could not be)
	$(need-assignment)
	$(BIN)/python -m grader.autograde "$(ASSIGNMENT)" $(if $(JOBS),--jobs=$(JOBS))

# Feedback HTML shows each test cell's score and error message; the
# HideTestCode preprocessor (grader/nbgrader_plugins.py) removes hidden tests
# and tracebacks.
feedback: $(STAMP) ## write feedback/<student>/ASSIGNMENT/*.html without test code
	$(need-assignment)
	$(NBGRADER) generate_feedback "$(ASSIGNMENT)" --force

# Students who submitted through the exchange fetch their feedback in the Assignment
# List; for students who came through an LMS zip, upload feedback/ASSIGNMENT-feedback.zip.
release-feedback: $(STAMP) ## give students their feedback: exchange, and a zip for the LMS
	$(need-assignment)
	$(NBGRADER) release_feedback "$(ASSIGNMENT)" || echo "(no exchange submissions to release to)"
	$(BIN)/python -m grader.feedback_zip "$(ASSIGNMENT)"

duedate: $(STAMP) ## set the due date of ASSIGNMENT: DUE="2026-12-10 17:00:00 UTC"
	$(need-assignment)
	@test -n "$(DUE)" || { echo 'usage: make duedate ASSIGNMENT=<name> DUE="2026-12-10 17:00:00 UTC"'; exit 2; }
	$(NBGRADER) db assignment add "$(ASSIGNMENT)" --duedate="$(DUE)"

grades: $(STAMP) ## export every student's scores to grades.csv
	$(NBGRADER) export --to=grades.csv
	@echo "wrote grades.csv"

# ---------------------------------------------------------------------------
# A class on JupyterHub, one machine (hub/; README "Running a class"). As root:
#   make hub-user NAME=alice                 (prints alice's password)
#   make hub-user NAME=prof ROLE=instructor
#   make hub                                 (http://127.0.0.1:8000; HUB_IP=0.0.0.0 for others)
# Everything the hub writes is under HUB_STATE (hub/settings.py lists its folders).
# Other settings (environment or make variables): HUB_API_PORT, HUB_PROXY_API_PORT,
# HUB_STUDENT_GROUP, HUB_INSTRUCTOR_GROUP, HUB_STUDENT_MEM/CPU, HUB_INSTRUCTOR_MEM/CPU,
# HUB_PIDS, HUB_IDLE_TIMEOUT, HUB_ADMINS, HUB_SSL_CERT/HUB_SSL_KEY.
# ---------------------------------------------------------------------------
HUB_STATE ?= /srv/backprop-hub
HUB_IP    ?= 127.0.0.1
HUB_PORT  ?= 8000
export HUB_STATE HUB_IP HUB_PORT
# configurable-http-proxy, the hub's proxy, from npm into the state folder
CHP_SPEC  ?= configurable-http-proxy@5
HUB_PROXY := $(HUB_STATE)/node/node_modules/.bin/configurable-http-proxy
HUB_STAMP := $(VENV)/.installed-hub

.PHONY: hub hub-setup hub-user hub-user-remove hub-users hub-unlock

$(HUB_STAMP): $(STAMP)
	$(BIN)/python -m pip install --disable-pip-version-check -e ".[hub]"
	touch $@

$(HUB_PROXY):
	@command -v npm >/dev/null || { echo "error: npm is missing (apt-get install nodejs npm)"; exit 1; }
	npm install --prefix "$(HUB_STATE)/node" --no-audit --no-fund --loglevel=error "$(CHP_SPEC)"

hub-setup: $(HUB_STAMP) $(HUB_PROXY) ## lay out HUB_STATE for the hub and lock the checkout (root)
	$(BIN)/python -m hub.prepare

hub: hub-setup ## start JupyterHub for the class at http://HUB_IP:HUB_PORT (root; Ctrl-C stops it)
	cd "$(HUB_STATE)/hub" && exec "$(CURDIR)/$(BIN)/jupyterhub" -f "$(CURDIR)/hub/jupyterhub_config.py"

hub-user: $(HUB_STAMP) ## add a hub account: NAME=... [ROLE=instructor] [PASSWORD=...] [EXISTING=1]
	@test -n "$(NAME)" || { echo "usage: make hub-user NAME=<unix name> [ROLE=instructor]"; exit 2; }
	$(BIN)/python -m hub.users add "$(NAME)" $(if $(filter instructor,$(ROLE)),--instructor) \
		$(if $(PASSWORD),--password="$(PASSWORD)") $(if $(EXISTING),--existing)

hub-user-remove: $(HUB_STAMP) ## remove a hub account and its home: NAME=...
	@test -n "$(NAME)" || { echo "usage: make hub-user-remove NAME=<unix name>"; exit 2; }
	$(BIN)/python -m hub.users remove "$(NAME)"

hub-users: $(HUB_STAMP) ## list the hub's students and instructors
	$(BIN)/python -m hub.users list

hub-unlock: ## give the checkout back the permissions it had before make hub-setup
	$(BIN)/python -m hub.prepare --unlock
