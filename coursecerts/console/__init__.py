"""The course-team console (README "The course-team console"): the web pages where a run's staff and
instructors, and global staff, do their certificate work. A thin interface: every action calls the service the
REST API calls, under the same rule of who may do what (coursecerts/courses/access.py)."""
