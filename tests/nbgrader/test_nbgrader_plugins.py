"""grader/nbgrader_plugins.py on small notebooks, and nbgrader_config.py."""

import os
import re

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

import nbkit
from grader import nbgrader_plugins as plugins


def grade_cell(source, outputs):
    cell = new_code_cell(source, outputs=outputs)
    cell.metadata["nbgrader"] = dict(grade_id="t", grade=True, solution=False, points=1,
                                     locked=True)
    return cell


def hide(cell):
    nb = new_notebook(cells=[cell])
    plugins.HideTestCode().preprocess(nb, {})
    return nb.cells[0]


def test_feedback_keeps_the_visible_test_and_drops_the_hidden_one():
    cell = hide(grade_cell("check(a)\n### BEGIN HIDDEN TESTS\nsecret(a)\n### END HIDDEN TESTS",
                          []))
    assert cell.source == "check(a)\n" + plugins.HIDDEN_NOTE


def test_feedback_cuts_tracebacks_to_the_error_message():
    error = new_output("error", ename="AssertionError", evalue="dW is wrong",
                       traceback=["----> 3 secret(a) # the test line", "AssertionError: ..."])
    cell = hide(grade_cell("secret(a)", [error]))
    assert cell.outputs[0].traceback == ["AssertionError: dW is wrong"]


def test_feedback_hides_stderr_of_test_cells_but_keeps_stdout():
    outputs = [new_output("stream", name="stderr", text="file.py:3: Warning\n  secret(a)\n"),
               new_output("stream", name="stdout", text="ok\n")]
    cell = hide(grade_cell("secret(a)", outputs))
    assert cell.outputs[0].text == plugins.STDERR_NOTE
    assert cell.outputs[1].text == "ok\n"


def test_feedback_leaves_student_cells_alone():
    error = new_output("error", ename="ValueError", evalue="x", traceback=["line 1", "line 2"])
    cell = new_code_cell("### BEGIN HIDDEN TESTS\nmine\n### END HIDDEN TESTS",
                         outputs=[error])
    cell.metadata["nbgrader"] = dict(grade_id="s", grade=False, solution=True, locked=False)
    assert hide(cell).outputs[0].traceback == ["line 1", "line 2"]
    assert "mine" in hide(cell).source


@pytest.fixture
def config(monkeypatch):
    """nbgrader_config.py as loaded by nbgrader (its os.environ changes are undone)."""
    from traitlets.config.loader import PyFileConfigLoader
    monkeypatch.setattr(os, "environ", dict(os.environ))
    return PyFileConfigLoader("nbgrader_config.py", path=str(nbkit.ROOT)).load_config()


def test_every_configured_option_is_a_trait_of_nbgrader_0_9(config):
    from nbgrader.apps import NbGraderApp
    from nbgrader.apps.baseapp import NbGrader
    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import Exchange
    from nbgrader.apps import ExportApp, ZipCollectApp
    from nbgrader.plugins import LateSubmissionPlugin
    from nbgrader.preprocessors import OverwriteCells
    classes = [CourseDirectory, Exchange, plugins.SandboxGrade, plugins.RecordProgress,
               OverwriteCells, Autograde, GenerateFeedback, ZipCollectApp, ExportApp,
               LateSubmissionPlugin, NbGraderApp, NbGrader]
    traits = {cls.__name__: cls.class_trait_names(config=True) for cls in classes}
    traits["Application"] = NbGraderApp.class_trait_names(config=True)
    for section, values in config.items():
        assert section in traits, f"unknown section {section}"
        for name in values:
            assert name in traits[section], f"{section}.{name} is not an nbgrader 0.9 option"


def test_course_settings(config):
    assert config.CourseDirectory.course_id == "backprop"
    assert config.CourseDirectory.root == str(nbkit.ROOT)
    assert config.CourseDirectory.db_url == f"sqlite:///{nbkit.ROOT / 'gradebook.db'}"
    assert config.Exchange.root == str(nbkit.ROOT / "exchange")
    assert config.SandboxGrade.course_root == str(nbkit.ROOT)
    assert config.OverwriteCells.add_missing_cells


def test_environment_overrides(monkeypatch):
    from traitlets.config.loader import PyFileConfigLoader
    monkeypatch.setattr(os, "environ", dict(os.environ, NBGRADER_DB_URL="sqlite:///x.db",
                                            NBGRADER_EXCHANGE="/srv/ex"))
    config = PyFileConfigLoader("nbgrader_config.py", path=str(nbkit.ROOT)).load_config()
    assert config.CourseDirectory.db_url == "sqlite:///x.db"
    assert config.Exchange.root == "/srv/ex"


def test_lms_file_names_latest_attempt_and_later_zip_win(tmp_path):
    import time
    from grader.zip_names import decide
    archive, extracted = tmp_path / "archive", tmp_path / "extracted"
    files = {"1-a/alice_ps1_chain_rule.ipynb": "", "1-a/bob_48213_ps1_chain_rule.ipynb": "",
             "1-a/s7_99_ps1_chain_rule.ipynb": "", "1-a/s7_99_ps1_chain_rule-1.ipynb": "",
             "1-a/readme.txt": "", "2-b/alice_ps1_chain_rule.ipynb": ""}
    for name, text in files.items():
        (extracted / name).parent.mkdir(parents=True, exist_ok=True)
        (extracted / name).write_text(text)
    archive.mkdir()
    (archive / "1-a.zip").write_text("")
    time.sleep(0.05)
    (archive / "2-b.zip").write_text("")
    got = {str(p.relative_to(extracted)): key for p, (key, _) in decide(extracted).items()}
    assert got == {"1-a/alice_ps1_chain_rule.ipynb": None,
                   "1-a/bob_48213_ps1_chain_rule.ipynb": ("bob", "ps1_chain_rule.ipynb"),
                   "1-a/s7_99_ps1_chain_rule.ipynb": None,
                   "1-a/s7_99_ps1_chain_rule-1.ipynb": ("s7", "ps1_chain_rule.ipynb"),
                   "1-a/readme.txt": None,
                   "2-b/alice_ps1_chain_rule.ipynb": ("alice", "ps1_chain_rule.ipynb")}


def test_autograde_without_bubblewrap_refuses_with_a_sentence_naming_the_fix(monkeypatch):
    from grader import sandbox
    monkeypatch.setattr(sandbox, "BWRAP", "/nonexistent/bwrap")
    with pytest.raises(sandbox.SandboxUnavailable, match="apt-get install bubblewrap.*"
                                                         "GRADER_UNSANDBOXED=1"):
        sandbox.check_available()
