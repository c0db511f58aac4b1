"""Mistake catalogues of the nbgrader assignments (format: README.md in this folder).

The files are data, loaded by path by tests/nbgrader/test_nbgrader_mistakes.py;
nothing imports this package.
"""
