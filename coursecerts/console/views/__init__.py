"""The console's pages, one module per part of a run's work (README "The course-team console")."""
