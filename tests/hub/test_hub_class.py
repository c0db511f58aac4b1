"""A whole class on the course's JupyterHub, end to end, in Chromium.

Run alone (as root): .venv/bin/pytest -m hub tests/hub

One instructor and three students, each a real unix user, log in to a hub started with
`make hub`. The instructor generates and releases ps1 in the formgrader. Each student
fetches it in the Assignment List, answers it in their own server (perfect: the
solutions of source/; blank: nothing; mistake: the first catalogued mistake of
tests/mistakes/ps1_chain_rule.py) and submits. The instructor collects in the
formgrader, autogrades with `python -m grader.autograde` (sandboxed) in a JupyterLab
terminal, grades the written answer by hand in the formgrader, generates and releases
feedback, and exports the grades. Each student fetches their own feedback and no one
else's. The stages are fixtures, so any test can run alone; each wait is bounded
(HUB_TEST_TIMEOUT, default 240 s). The hub's log and screenshots of failures stay in
/tmp/backprop-hub-test/.
"""

import csv
import json
import pwd
import re
import time
from pathlib import Path

import nbformat
import pytest
from hubkit import ARTIFACTS, INSTRUCTOR, REPO, STUDENTS, TIMEOUT

import nbkit

pytestmark = pytest.mark.hub

ASSIGNMENT = "ps1_chain_rule"
WRITTEN = "ps1_written_finite_differences"  # the hand-graded written answer
HAND_GRADES = {"perfect": 3.0, "mistake": 1.5}  # blank's unchanged answer scores 0 by itself
BY_KIND = {kind: user for user, kind in STUDENTS.items()}

PUT_NOTEBOOK = """async ([url, notebook]) => {
    const xsrf = document.cookie.split('; ').find(c => c.startsWith('_xsrf='));
    const response = await fetch(url, {
        method: 'PUT', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json',
                  'X-XSRFToken': xsrf ? decodeURIComponent(xsrf.slice(6)) : ''},
        body: JSON.stringify({type: 'notebook', format: 'json', content: notebook})});
    return response.status;
}"""


def source_notebook():
    return nbkit.read(REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")


def first_mistake():
    return nbkit.load_mistakes(nbkit.catalogue_path(ASSIGNMENT))[0]


def answer(kind, released):
    """The notebook a student of ``kind`` submits, made from the one they fetched."""
    if kind == "blank":
        return None
    nb = nbkit.perfect_submission(released, source_notebook())
    if kind == "mistake":
        mistake = first_mistake()
        cell = nbkit.cell_by_id(nb, mistake["cell"])
        assert mistake["find"] in cell.source
        cell.source = cell.source.replace(mistake["find"], mistake["replace"])
    return nb


def expected_scores():
    """{kind: {grade_id: score}} for every graded cell, the written answer included."""
    source = source_notebook()
    auto = nbkit.max_points(source)
    written = float(nbkit.cell_by_id(source, WRITTEN).metadata["nbgrader"]["points"])
    rejected = set(first_mistake()["rejected_by"])
    return {
        "perfect": {**auto, WRITTEN: HAND_GRADES["perfect"]},
        "blank": {**dict.fromkeys(auto, 0.0), WRITTEN: 0.0},
        "mistake": {**{k: (0.0 if k in rejected else v) for k, v in auto.items()},
                    WRITTEN: HAND_GRADES["mistake"]},
        "max": sum(auto.values()) + written,
    }


def home(user):
    return Path(pwd.getpwnam(user).pw_dir)


def shoot(page, name):
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    except Exception:  # a screenshot must never hide the real failure
        pass


def wait_for_file(path, hub, what):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if path.is_file() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(1)
    raise TimeoutError(f"{what}: {path} did not appear within {TIMEOUT} s\n{hub.log()}")


# --- the instructor's tools ---------------------------------------------------------

def manage_assignments(hub, page):
    page.goto(f"{hub.url}/user/{INSTRUCTOR}/formgrader/manage_assignments")
    row = page.locator("#main-table tr", has=page.locator(f"td.name[data-order={ASSIGNMENT}]"))
    row.wait_for()
    return row


def formgrader_action(hub, page, column, what):
    """Click the formgrader's ``column`` button of ps1; fail with its log on an error."""
    row = manage_assignments(hub, page)
    row.locator(f"td.{column} a").click()
    page.locator("#success-modal, #error-modal").first.wait_for()
    if page.locator("#error-modal").count():
        shoot(page, f"formgrader-{column}")
        pytest.fail(f"formgrader {what} failed:\n{page.inner_text('#error-modal')}")
    page.locator("#success-modal .modal-footer button").last.click()
    page.locator("#success-modal").wait_for(state="detached")


def open_terminal(hub, page):
    page.goto(f"{hub.url}/user/{INSTRUCTOR}/lab")
    page.locator(".jp-LauncherCard", has_text="Terminal").first.click()
    page.locator(".jp-Terminal .xterm-screen").first.wait_for()
    return page


def run_in_terminal(hub, page, command, name):
    """Type ``command`` in the instructor's terminal (its folder: the course root); return
    (exit status, output) once <course>/<name>.rc appears."""
    course = hub.state / "course"
    for suffix in (".rc", ".log"):
        (course / f"{name}{suffix}").unlink(missing_ok=True)
    page.locator(".jp-Terminal .xterm-screen").first.click()
    page.keyboard.type(f"{command} > {name}.log 2>&1; echo $? > {name}.rc\n")
    try:
        status = wait_for_file(course / f"{name}.rc", hub, command)
    except TimeoutError:
        shoot(page, f"terminal-{name}")
        log = course / f"{name}.log"
        raise TimeoutError(f"{command} did not finish in the course root within {TIMEOUT} s; "
                           f"its output so far: {log.read_text() if log.exists() else None}")
    return int(status), (course / f"{name}.log").read_text()


# --- the students' tools ------------------------------------------------------------

def assignment_list(page):
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
    page.locator("#released_assignments_list").wait_for()
    return page


# --- the stages ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def pages(hub, browser):
    """Everyone logged in; the four servers start at once."""
    started = time.monotonic()
    sessions = {user: hub.login(browser, user) for user in [INSTRUCTOR, *STUDENTS]}
    for user, (_, page) in sessions.items():
        try:
            page.wait_for_url(f"**/user/{user}/**")
        except Exception:
            shoot(page, f"login-{user}")
            raise AssertionError(f"{user}'s server did not start:\n{hub.log()}")
    hub.timings["4 logins and servers"] = time.monotonic() - started
    yield {user: page for user, (_, page) in sessions.items()}
    for context, _ in sessions.values():
        context.close()


@pytest.fixture(scope="module")
def released(hub, pages):
    started = time.monotonic()
    page = pages[INSTRUCTOR]
    formgrader_action(hub, page, "assign", "generate")
    formgrader_action(hub, page, "release", "release")
    hub.timings["generate + release"] = time.monotonic() - started
    return hub.state / "exchange" / "backprop" / "outbound" / ASSIGNMENT


@pytest.fixture(scope="module")
def submitted(hub, pages, released):
    started = time.monotonic()
    for user, kind in STUDENTS.items():
        page = assignment_list(pages[user])
        try:
            page.locator("#released_assignments_list .list_item", has_text=ASSIGNMENT) \
                .locator("button", has_text="Fetch").first.click()
            page.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT) \
                .first.wait_for()
            fetched = home(user) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
            assert fetched.is_file(), f"{user}: Fetch did not put {fetched} in the home"
            notebook = answer(kind, nbkit.read(fetched))
            if notebook is not None:  # saved in the student's own server, as Lab saves
                url = f"{hub.url}/user/{user}/api/contents/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
                status = page.evaluate(PUT_NOTEBOOK, [url, json.loads(nbformat.writes(notebook))])
                assert status == 200, f"{user}: saving the answer gave HTTP {status}"
            page.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT) \
                .locator("button", has_text="Submit").first.click()
            page.locator("#submitted_assignments_list .list_item", has_text=ASSIGNMENT) \
                .first.wait_for()
        except Exception:
            shoot(page, f"submit-{user}")
            raise
    hub.timings["3 students fetch, answer, submit"] = time.monotonic() - started
    return hub.state / "exchange" / "backprop" / "inbound"


@pytest.fixture(scope="module")
def terminal(hub, browser, pages):
    """A second tab of the instructor's, on JupyterLab with a terminal open."""
    page = pages[INSTRUCTOR].context.new_page()
    return open_terminal(hub, page)


@pytest.fixture(scope="module")
def autograded(hub, pages, submitted, terminal):
    started = time.monotonic()
    formgrader_action(hub, pages[INSTRUCTOR], "collect", "collect")
    hub.timings["collect"] = time.monotonic() - started
    started = time.monotonic()
    status, output = run_in_terminal(hub, terminal, f"python -m grader.autograde {ASSIGNMENT} "
                                     "--jobs 2", "autograde")
    hub.timings["grader.autograde --jobs 2 (3 students)"] = time.monotonic() - started
    return status, output


@pytest.fixture(scope="module")
def hand_graded(hub, pages, autograded):
    from nbgrader.api import Gradebook
    started = time.monotonic()
    page = pages[INSTRUCTOR]
    with nbkit.venv_on_path(), Gradebook(f"sqlite:///{hub.state / 'course' / 'gradebook.db'}",
                                         "backprop") as gb:
        ids = {user: gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, user).id
               for user in STUDENTS}
    for kind, score in HAND_GRADES.items():
        page.goto(f"{hub.url}/user/{INSTRUCTOR}/formgrader/submissions/{ids[BY_KIND[kind]]}/")
        # the form saves once its grades have loaded: the box then asks for a hand grade
        box = page.locator(f"input.score.needs_manual_grade#{WRITTEN}")
        box.wait_for()
        with page.expect_response(lambda r: "/formgrader/api/grade/" in r.url
                                  and r.request.method == "PUT") as saved:
            box.fill(str(score))
            box.press("Tab")
        assert saved.value.ok, f"saving the hand grade of {kind} gave HTTP {saved.value.status}"
    hub.timings["hand grading in the formgrader"] = time.monotonic() - started
    return ids


@pytest.fixture(scope="module")
def feedback_released(hub, pages, hand_graded):
    started = time.monotonic()
    formgrader_action(hub, pages[INSTRUCTOR], "generate-feedback", "generate feedback")
    formgrader_action(hub, pages[INSTRUCTOR], "release-feedback", "release feedback")
    hub.timings["generate + release feedback"] = time.monotonic() - started
    return hub.state / "exchange" / "backprop" / "feedback"


@pytest.fixture(scope="module")
def feedback_fetched(hub, pages, feedback_released):
    started = time.monotonic()
    found = {}
    for user in STUDENTS:
        page = pages[user]
        page.reload()
        assignment_list(page)
        try:
            item = page.locator("#submitted_assignments_list .list_item", has_text=ASSIGNMENT)
            item.locator("button", has_text="Fetch Feedback").first.click()
            deadline = time.monotonic() + TIMEOUT
            while time.monotonic() < deadline:
                found[user] = sorted((home(user) / ASSIGNMENT / "feedback").glob("*/*.html"))
                if found[user]:
                    break
                time.sleep(1)
            assert found[user], f"{user}: Fetch Feedback brought no feedback"
        except Exception:
            shoot(page, f"feedback-{user}")
            raise
    hub.timings["3 students fetch feedback"] = time.monotonic() - started
    return found


def total_of(page_text):
    """The total score a feedback page shows: 'Score: 11.5 / 15.0' -> 11.5."""
    match = re.search(r"Score:\s*([0-9.]+)\s*/\s*([0-9.]+)", page_text)
    assert match, "no 'Score: x / y' in the feedback"
    return float(match[1])


# --- the tests ----------------------------------------------------------------------

def test_each_student_gets_lab_with_the_student_edition(hub, pages):
    for user in STUDENTS:
        assert "/lab" in pages[user].url, pages[user].url
        lectures = sorted(p.name for p in (home(user) / "course").glob("*.ipynb"))
        assert len(lectures) == 5, f"{user}'s ~/course holds {lectures}"
        assert not (home(user) / "source").exists()
    assert "/formgrader" in pages[INSTRUCTOR].url, pages[INSTRUCTOR].url


def test_students_cannot_read_solutions_or_each_other(hub, pages):
    """Every server runs as its own unix user: no solution, gradebook or home of another."""
    secret = REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    others = list(STUDENTS)
    for user in STUDENTS:
        for path in [secret, REPO / "grader" / "hidden" / f"{ASSIGNMENT}.py",
                     hub.state / "course" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                     hub.state / "course" / "gradebook.db",
                     *[home(other) / "course" for other in others if other != user]]:
            check = hub.as_user(user, "test", "-r", str(path))
            assert check.returncode != 0, f"{user} can read {path}"
    instructor = hub.as_user(INSTRUCTOR, "test", "-r",
                             str(hub.state / "course" / "source" / ASSIGNMENT))
    assert instructor.returncode == 0, "the instructor cannot read the course's source/"


def test_every_server_has_memory_cpu_and_process_limits(hub, pages):
    for user in [*STUDENTS, INSTRUCTOR]:
        got = hub.limits(user)
        mem, cpu = ((4 << 30, 2.0) if user == INSTRUCTOR else (1 << 30, 1.0))
        if got["memory"] is None:  # no writable cgroups here: the rlimit fallback
            assert got["rlimit_as"] == mem, (user, got)
        else:
            assert got["memory"] == mem and got["cpu"] == cpu and got["pids"] == 512, (user, got)
    assert "limits for" in hub.log(tail=10 ** 7)


def test_students_submit_into_the_shared_exchange(hub, submitted):
    names = sorted(p.name.split("+")[0] for p in submitted.iterdir())
    assert names == sorted(STUDENTS), names
    # students may write into inbound but not list it (nbgrader's 0733 + setgid)
    for user in STUDENTS:
        assert hub.as_user(user, "ls", str(submitted)).returncode != 0, f"{user} lists inbound"


def test_autograde_runs_in_the_sandbox_and_grades_everyone(hub, autograded):
    status, output = autograded
    assert status == 0, output
    assert "WITHOUT a sandbox" not in output, output
    for user in STUDENTS:
        assert user in output, output


def test_scores_in_the_gradebook_are_exact(hub, hand_graded):
    from nbgrader.api import Gradebook
    expected = expected_scores()
    with nbkit.venv_on_path(), Gradebook(f"sqlite:///{hub.state / 'course' / 'gradebook.db'}",
                                         "backprop") as gb:
        for user, kind in STUDENTS.items():
            nb = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, user)
            got = {grade.name: grade.score for grade in nb.grades}
            assert got == expected[kind], (user, got)


def test_each_student_fetches_only_their_own_feedback(hub, feedback_fetched):
    expected = expected_scores()
    for user, kind in STUDENTS.items():
        for page in feedback_fetched[user]:
            assert total_of(page.read_text()) == sum(expected[kind].values()), (user, page)


def test_another_students_feedback_is_out_of_reach(hub, pages, feedback_fetched,
                                                   feedback_released):
    expected = expected_scores()
    users = list(STUDENTS)
    for user in users:
        other = users[(users.index(user) + 1) % len(users)]
        # the exchange's feedback folder cannot be listed (0771): only the secret name opens
        assert hub.as_user(user, "ls", str(feedback_released)).returncode != 0
        # another home, feedback included, is closed
        for page in feedback_fetched[other]:
            assert hub.as_user(user, "test", "-r", str(page)).returncode != 0
        # another student's server, through the hub, is closed
        target = feedback_fetched[other][0].relative_to(home(other))
        response = pages[user].context.request.get(f"{hub.url}/user/{other}/files/{target}",
                                                   max_redirects=5)
        assert response.status == 403 and "Score:" not in response.text(), \
            (user, other, response.status)
        # nbgrader fetch_feedback --student=<other> (one unix account for everyone handed
        # out everyone's feedback) brings this student's own feedback, nobody else's
        run = hub.as_user(user, "python", "-m", "nbgrader", "fetch_feedback", ASSIGNMENT,
                          f"--student={other}")
        assert run.returncode == 0, run.stderr
        for page in sorted((home(user) / ASSIGNMENT / "feedback").glob("*/*.html")):
            assert total_of(page.read_text()) == sum(expected[STUDENTS[user]].values())


def test_grades_export_has_every_student_with_exact_scores(hub, terminal, hand_graded,
                                                           feedback_fetched):
    status, output = run_in_terminal(hub, terminal, "python -m nbgrader export "
                                     "--to=grades.csv", "export")
    assert status == 0, output
    expected = expected_scores()
    with open(hub.state / "course" / "grades.csv") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f) if r["assignment"] == ASSIGNMENT}
    assert set(rows) == set(STUDENTS), rows
    for user, kind in STUDENTS.items():
        assert float(rows[user]["score"]) == sum(expected[kind].values()), rows[user]
        assert float(rows[user]["max_score"]) == expected["max"], rows[user]
