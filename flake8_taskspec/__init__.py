"""flake8 plugin that checks task handlers against a TaskSpec registry."""

__version__ = "0.1.0"
