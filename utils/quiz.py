"""Auto-checked questions for the lectures: multiple choice and numeric answers.

``multiple_choice(question, options, answer)`` and ``numeric_question(question,
answer, rtol=1e-2, hints=None)`` return a widget; the learner's choice is
checked at once and answered with one sentence: "Correct." or the
misconception the wrong answer reveals. The checks are plain functions
(``check_choice``, ``check_numeric``), tested without widgets.

Displayed, a quiz's bundle holds a text/plain version (the question and the
options, never the answer), so a stored notebook shows the question where
no kernel runs. (Lectures put the answers in a collapsed ``<details>``
block after the quiz cell.)
"""

import math
import numbers
import re

import ipywidgets as w

from utils.validation import check_number, check_positive, describe

__all__ = ["multiple_choice", "numeric_question", "check_choice", "check_numeric",
           "parse_number", "Quiz"]

CORRECT = "Correct."


def _check_text(func, name, value):
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{func}: {name} must be a non-empty string, got {describe(value)}")
    return value


def _check_options(func, options, answer):
    if not isinstance(options, dict) or len(options) < 2:
        raise TypeError(f"{func}: options must be a dict with at least two entries "
                        f"{{option text: None if correct, else the misconception it reveals}}, "
                        f"got {describe(options)}")
    for text, why in options.items():
        _check_text(func, "each option", text)
        if why is not None:
            _check_text(func, f"the misconception of option {text!r}", why)
    _check_text(func, "answer", answer)
    if answer not in options:
        raise ValueError(f"{func}: answer {answer!r} is not one of the options "
                         f"{list(options)}")
    if options[answer] is not None:
        raise ValueError(f"{func}: the correct option {answer!r} must map to None, not to "
                         f"a misconception")
    others = [t for t, why in options.items() if why is None and t != answer]
    if others:
        raise ValueError(f"{func}: only the answer may map to None; give the misconception "
                         f"each wrong option reveals, missing for {others}")
    return options


def check_choice(options, answer, choice):
    """(correct, sentence) for a multiple-choice pick: "Correct." or its misconception."""
    _check_options("check_choice", options, answer)
    if choice not in options:
        raise ValueError(f"check_choice: {choice!r} is not one of the options {list(options)}")
    if choice == answer:
        return True, CORRECT
    return False, _sentence(f"Not quite: {options[choice]}")


def _sentence(text):
    text = " ".join(str(text).split())
    return text if text.endswith((".", "!", "?")) else text + "."


_FRACTION = re.compile(r"^\s*([-+]?[\d.]+(?:e[-+]?\d+)?)\s*/\s*([-+]?[\d.]+(?:e[-+]?\d+)?)\s*$",
                       re.IGNORECASE)


def parse_number(text):
    """A number typed by a learner: '0.25', '-3', '1e-3', '1/4'; None if it is not one."""
    if isinstance(text, numbers.Real) and not isinstance(text, bool):
        return float(text)
    if not isinstance(text, str):
        return None
    text = text.strip().replace("−", "-").replace(",", "")
    match = _FRACTION.match(text)
    try:
        if match:
            return float(match.group(1)) / float(match.group(2))
        return float(text)
    except (ValueError, ZeroDivisionError):
        return None


def _close(a, b, rtol):
    return math.isclose(a, b, rel_tol=rtol, abs_tol=rtol * 1e-3 if b == 0 else 0.0)


def check_numeric(answer, value, rtol=1e-2, hints=None):
    """(correct, sentence) for a typed number.

    Correct within relative tolerance rtol (absolute rtol / 1000 when the
    answer is 0). A wrong number within rtol of a key of ``hints`` gets that
    hint's misconception; another wrong number a generic sentence; text that
    is not a number says so.
    """
    answer = check_number("check_numeric", "answer", answer)
    rtol = check_positive("check_numeric", "rtol", rtol)
    number = parse_number(value)
    if number is None or not math.isfinite(number):
        return False, "Type a number, e.g. 0.25, -3, 1e-3 or 1/4."
    if _close(number, answer, rtol):
        return True, CORRECT
    for wrong, why in (hints or {}).items():
        if _close(number, float(wrong), rtol):
            return False, _sentence(f"Not quite: {why}")
    return False, (f"Not quite: {number:.4g} is not it; check each factor of your "
                   f"computation and try again.")


class Quiz(w.VBox):
    """The VBox a question returns; ``text`` is its text/plain form (no answer), ``feedback``
    the Label with the last sentence, ``check(value)`` checks a value as if it were entered."""

    def __init__(self, children, text, checker, **kwargs):
        self.text = text
        self.feedback = w.Label(value="")
        self._checker = checker
        self.last = None
        super().__init__([*children, self.feedback], **kwargs)

    def check(self, value):
        """Check ``value``, show and return (correct, sentence)."""
        self.last = self._checker(value)
        self.feedback.value = ("✓ " if self.last[0] else "✗ ") + self.last[1]
        return self.last

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["text/plain"] = self.text
        return data


def multiple_choice(question, options, answer):
    """A multiple-choice question checked as soon as an option is picked.

    options: {option text: None for the correct option, else one sentence
    naming the misconception that choosing it reveals}; answer: the correct
    option's text (the one mapped to None). Options are shown in the order
    given. Returns a Quiz (a VBox): the question, radio buttons and a line
    of feedback.
    """
    func = "multiple_choice"
    _check_text(func, "question", question)
    options = _check_options(func, options, answer)
    labels = list(options)
    buttons = w.RadioButtons(options=labels, value=None, layout=w.Layout(width="auto"))
    plain = "\n".join([question, *(f"  {chr(ord('a') + i)}) {t}" for i, t in enumerate(labels))])
    quiz = Quiz([w.HTMLMath(value=_html(question)), buttons], plain,
                lambda choice: check_choice(options, answer, choice))

    def on_pick(change):
        if change["new"] is not None:
            quiz.check(change["new"])

    buttons.observe(on_pick, names="value")
    quiz.choices = buttons
    return quiz


def numeric_question(question, answer, rtol=1e-2, hints=None):
    """A question answered by typing a number (Enter or the Check button checks it).

    answer: the correct number; rtol: relative tolerance; hints: {a wrong
    number learners often get: the misconception behind it}. Accepts
    decimals, 1e-3 and fractions such as 1/4. Returns a Quiz (a VBox).
    """
    func = "numeric_question"
    _check_text(func, "question", question)
    answer = check_number(func, "answer", answer)
    rtol = check_positive(func, "rtol", rtol)
    if hints is not None:
        if not isinstance(hints, dict):
            raise TypeError(f"{func}: hints must be a dict {{wrong number: misconception}}, "
                            f"got {describe(hints)}")
        for wrong, why in hints.items():
            check_number(func, "each key of hints", wrong)
            _check_text(func, f"the misconception for {wrong!r}", why)
            if _close(float(wrong), answer, rtol):
                raise ValueError(f"{func}: hint {wrong!r} is within rtol of the answer; a "
                                 f"hint must be a wrong number")
    box = w.Text(value="", placeholder="your answer, e.g. 0.25 or 1/4",
                 continuous_update=False, layout=w.Layout(width="16em"))
    button = w.Button(description="Check")
    quiz = Quiz([w.HTMLMath(value=_html(question)), w.HBox([box, button])],
                f"{question}\n  (type a number)",
                lambda value: check_numeric(answer, value, rtol, hints))
    box.observe(lambda change: quiz.check(change["new"]) if change["new"].strip() else None,
                names="value")
    button.on_click(lambda _: quiz.check(box.value))
    quiz.entry = box
    return quiz


def _html(text):
    import html

    return f"<b>{html.escape(text)}</b>"
