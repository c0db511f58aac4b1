"""The course on JupyterHub, on one machine (`make hub`; README "Running a class").

Modules: ``settings`` (HUB_* variables and the state folder), ``prepare`` (lays out the
state folder, locks the checkout), ``users`` (unix accounts of students and
instructors), ``spawner`` (CourseSpawner: one JupyterLab per user with the course's
roles), ``limits`` (memory/CPU/process limits with cgroups). ``jupyterhub_config.py``
ties them together; ``jupyter/`` holds the servers' Jupyter configuration.
"""
