"""The plugin's flake8 options and how their values are resolved."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Optional, Set

from flake8.options.manager import OptionManager

from flake8_taskspec.patterns import (
    SHIPPED_PATTERNS,
    PatternError,
    PatternSet,
    Role,
    parse_pattern,
    parse_schedule_name,
)

REGISTRY_OPTION = "--taskspec-registry"
REGISTRARS_OPTION = "--taskspec-registrars"
ENQUEUERS_OPTION = "--taskspec-enqueuers"
SCHEDULES_OPTION = "--taskspec-schedules"

# The registry package ships in the same distribution as this plugin, so
# it is installed in the same folder.
SHIPPED_REGISTRY = str(Path(__file__).resolve().parent.parent / "registry")


def add_options(manager: OptionManager) -> None:
    manager.add_option(
        REGISTRY_OPTION,
        default=None,
        parse_from_config=True,
        normalize_paths=True,
        metavar="PATH",
        help=(
            "TaskSpec registry to check against: a module file or a package "
            "folder, read without importing it. A relative path in a config "
            "file is resolved from that file's folder. "
            "(Default: the registry package shipped with flake8-taskspec)"
        ),
    )
    manager.add_option(
        REGISTRARS_OPTION,
        default=[],
        parse_from_config=True,
        comma_separated_list=True,
        metavar="PATTERNS",
        help=(
            "Comma-separated callables that register a handler, besides the "
            "registry's own: module.callable or *.method, optionally followed "
            "by :keyword when that keyword carries the task type, for example "
            "celery.shared_task:name,*.task:name"
        ),
    )
    manager.add_option(
        ENQUEUERS_OPTION,
        default=[],
        parse_from_config=True,
        comma_separated_list=True,
        metavar="PATTERNS",
        help=(
            "Comma-separated callables that enqueue a task, besides the "
            "registry's enqueue, in the same syntax, for example "
            "*.send_task,*.enqueue_job"
        ),
    )
    manager.add_option(
        SCHEDULES_OPTION,
        default=[],
        parse_from_config=True,
        comma_separated_list=True,
        metavar="NAMES",
        help=(
            "Comma-separated variable or attribute names holding a schedule "
            'dict whose entries name a task type under "task", for example '
            "beat_schedule,CELERY_BEAT_SCHEDULE"
        ),
    )


def pattern_set(options: argparse.Namespace) -> PatternSet:
    """Return the shipped patterns plus those given in the options.

    Raises SystemExit naming the option and the value when a pattern is
    invalid.
    """
    patterns = list(SHIPPED_PATTERNS)
    user_patterns = (
        (REGISTRARS_OPTION, options.taskspec_registrars, Role.REGISTRAR),
        (ENQUEUERS_OPTION, options.taskspec_enqueuers, Role.ENQUEUER),
    )
    for option, texts, role in user_patterns:
        for text in texts:
            try:
                patterns.append(parse_pattern(text, role))
            except PatternError as error:
                raise _option_error(option, text, error) from None
    schedules = []
    for text in options.taskspec_schedules:
        try:
            schedules.append(parse_schedule_name(text))
        except PatternError as error:
            raise _option_error(SCHEDULES_OPTION, text, error) from None
    return PatternSet(patterns, schedules)


def _option_error(option: str, value: str, error: Exception) -> SystemExit:
    return SystemExit(f"{option.lstrip('-')} ({value}): {error}")


def registry_path(options: argparse.Namespace) -> str:
    """Return the absolute path of the registry the options point at.

    Raises SystemExit for an empty value, and for a bare file name: flake8
    resolves a path from the config file's folder only when it contains a
    separator, so ``registry.py`` would silently depend on the current
    folder.
    """
    value: Optional[str] = options.taskspec_registry
    if value is None:
        return SHIPPED_REGISTRY
    option = REGISTRY_OPTION.lstrip("-")
    if not value.strip():
        raise SystemExit(
            f"{option} ({value}): empty path, set it to a registry module or "
            "package folder, or remove it to use the shipped registry"
        )
    if not os.path.isabs(value):
        raise SystemExit(
            f"{option} ({value}): a bare file name is ambiguous, write "
            f"./{value} so that it is resolved from the config file's folder"
        )
    return value


def checked_files(options: argparse.Namespace) -> Set[str]:
    """Return the absolute paths of the files this flake8 run will check.

    It walks the given paths with flake8's own exclusion rules, so call it
    only when the result is needed.
    """
    from flake8.discover_files import expand_paths

    found = expand_paths(
        paths=options.filenames,
        stdin_display_name=options.stdin_display_name,
        filename_patterns=options.filename,
        exclude=(*options.exclude, *options.extend_exclude),
    )
    files = set()
    for path in found:
        if path == "-":
            path = options.stdin_display_name
        files.add(os.path.abspath(path))
    return files
