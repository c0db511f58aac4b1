"""nbgrader settings of a student's server on the course hub (hub/spawner.py puts this
folder on JUPYTER_CONFIG_PATH): the Assignment List fetches from and submits to the
course's exchange."""
import os

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "backprop"
c.Exchange.root = os.environ["NBGRADER_EXCHANGE"]
