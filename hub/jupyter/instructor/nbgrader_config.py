"""nbgrader settings of an instructor's server on the course hub (hub/spawner.py puts
this folder on JUPYTER_CONFIG_PATH). The course root is the shared <state>/course,
whose own nbgrader_config.py nbgrader loads next (course id, sandboxed autograding,
feedback without hidden tests, NBGRADER_EXCHANGE / NBGRADER_DB_URL). groupshared: every
member of the instructors' group may release, collect, grade and release feedback."""
import os

c = get_config()  # noqa: F821
c.CourseDirectory.root = os.environ["BACKPROP_COURSE_ROOT"]
c.CourseDirectory.course_id = "backprop"
c.CourseDirectory.groupshared = True
c.Exchange.root = os.environ["NBGRADER_EXCHANGE"]
