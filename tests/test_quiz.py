"""Tests for utils.quiz: the checks as plain functions, then the widgets they drive."""

import ipywidgets as w
import pytest

from utils import quiz

OPTIONS = {
    "f'(g(x)) g'(x)": None,
    "f'(x) g'(x)": "the outer derivative must be taken at the inner value g(x), not at x",
    "f'(g(x))": "this forgets the inner derivative g'(x)",
    "f'(x) + g'(x)": "derivatives of a composite multiply, they do not add",
}


def test_check_choice_correct_and_each_misconception():
    assert quiz.check_choice(OPTIONS, "f'(g(x)) g'(x)", "f'(g(x)) g'(x)") == (True, "Correct.")
    ok, sentence = quiz.check_choice(OPTIONS, "f'(g(x)) g'(x)", "f'(g(x))")
    assert not ok and sentence == "Not quite: this forgets the inner derivative g'(x)."
    with pytest.raises(ValueError, match="not one of the options"):
        quiz.check_choice(OPTIONS, "f'(g(x)) g'(x)", "something else")


def test_multiple_choice_validation():
    with pytest.raises(ValueError, match="is not one of the options"):
        quiz.multiple_choice("Q?", OPTIONS, "nope")
    with pytest.raises(ValueError, match="must map to None"):
        quiz.multiple_choice("Q?", {"a": "wrong", "b": None}, "a")
    with pytest.raises(ValueError, match="only the answer may map to None"):
        quiz.multiple_choice("Q?", {"a": None, "b": None}, "a")
    with pytest.raises(TypeError, match="at least two entries"):
        quiz.multiple_choice("Q?", {"a": None}, "a")
    with pytest.raises(TypeError, match="question must be a non-empty string"):
        quiz.multiple_choice("", OPTIONS, "f'(g(x)) g'(x)")


def test_multiple_choice_widget_answers_with_one_sentence():
    q = quiz.multiple_choice("What is the derivative of f(g(x))?", OPTIONS, "f'(g(x)) g'(x)")
    assert isinstance(q, w.VBox) and q.choices.value is None and q.feedback.value == ""
    q.choices.value = "f'(x) + g'(x)"
    assert q.feedback.value == "✗ Not quite: derivatives of a composite multiply, they do not add."
    q.choices.value = "f'(g(x)) g'(x)"
    assert q.feedback.value == "✓ Correct."


def test_multiple_choice_bundle_shows_the_question_not_the_answer():
    q = quiz.multiple_choice("What is the derivative of f(g(x))?", OPTIONS, "f'(g(x)) g'(x)")
    text = q._repr_mimebundle_()["text/plain"]
    assert text.startswith("What is the derivative of f(g(x))?")
    assert "a) f'(g(x)) g'(x)" in text and "d) f'(x) + g'(x)" in text
    assert "Correct" not in text and "forgets" not in text and "VBox" not in text


def test_parse_number():
    assert quiz.parse_number("0.25") == 0.25
    assert quiz.parse_number(" 1/4 ") == 0.25
    assert quiz.parse_number("-3e-2") == -0.03
    assert quiz.parse_number("−2") == -2.0  # a typographic minus
    assert quiz.parse_number("one quarter") is None and quiz.parse_number("1/0") is None


def test_check_numeric_tolerance_and_hints():
    hints = {0.5: "sigma(0) = 0.5 is the value, not the slope", 1.0: "that is tanh'(0)"}
    assert quiz.check_numeric(0.25, "1/4", hints=hints) == (True, "Correct.")
    assert quiz.check_numeric(0.25, "0.2502") == (True, "Correct.")  # within 1 %
    assert quiz.check_numeric(0.25, "0.5", hints=hints) == (
        False, "Not quite: sigma(0) = 0.5 is the value, not the slope.")
    ok, sentence = quiz.check_numeric(0.25, "0.3", hints=hints)
    assert not ok and sentence.startswith("Not quite: 0.3 is not it")
    assert quiz.check_numeric(0.25, "a lot")[1].startswith("Type a number")
    assert quiz.check_numeric(0.0, "1e-7", rtol=1e-2)[0]  # zero answer: absolute tolerance
    assert not quiz.check_numeric(0.0, "0.01", rtol=1e-2)[0]


def test_numeric_question_widget_and_bundle():
    q = quiz.numeric_question("What is the largest value of sigma'(z)?", 0.25,
                              hints={0.5: "sigma(0) = 0.5 is the value, not the slope"})
    q.entry.value = "0.5"
    assert q.feedback.value == "✗ Not quite: sigma(0) = 0.5 is the value, not the slope."
    q.entry.value = "1/4"
    assert q.feedback.value == "✓ Correct."
    text = q._repr_mimebundle_()["text/plain"]
    assert text.startswith("What is the largest value of sigma'(z)?") and "0.25" not in text
    with pytest.raises(ValueError, match="within rtol of the answer"):
        quiz.numeric_question("Q?", 0.25, hints={0.2501: "x"})
    with pytest.raises(TypeError, match="hints must be a dict"):
        quiz.numeric_question("Q?", 0.25, hints=[0.5])
