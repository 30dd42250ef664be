"""The plugin's flake8 options and how their values are resolved."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Optional

from flake8.options.manager import OptionManager

REGISTRY_OPTION = "--taskspec-registry"
REGISTRY_CONFIG_NAMES = ("taskspec-registry", "taskspec_registry")

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


def registry_path(options: argparse.Namespace) -> str:
    """Return the absolute path of the registry the options point at."""
    value: Optional[str] = options.taskspec_registry
    if value is None:
        return SHIPPED_REGISTRY
    if os.path.isabs(value):
        return value
    # flake8 resolves a path from the config file's folder only when the
    # path contains a separator, so a bare file name is resolved here.
    return os.path.abspath(os.path.join(_bare_name_folder(options, value), value))


def _bare_name_folder(options: argparse.Namespace, value: str) -> str:
    """Return the config file's folder if the value came from it, else cwd."""
    from flake8.options.config import load_config

    config, config_folder = load_config(
        options.config, options.append_config, isolated=options.isolated
    )
    if config.has_section("flake8"):
        for name in REGISTRY_CONFIG_NAMES:
            if config.get("flake8", name, fallback=None) == value:
                return str(config_folder)
    return os.getcwd()
