"""Two virtual environments that differ only in flake8-taskspec.

``.bench/with`` gets this clone installed as a user installs it (not
editable), which brings flake8 and libcst. ``.bench/without`` then gets
exactly the versions of flake8, pycodestyle, pyflakes, mccabe and libcst
that the first one resolved, and not the project. A ratio of the two runs
the same flake8 with the same other plugins on the same files, so the
difference is the checker. ``check_plugins`` verifies this from the plugin
list that ``flake8 --version`` prints in each environment.
"""

from __future__ import annotations

import json
import re
import subprocess
import venv
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence

from handler_modules import Catalog, TaskType

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "flake8-taskspec"
# Everything flake8 loads by default, plus libcst, which the checker needs.
PINNED = ("flake8", "pycodestyle", "pyflakes", "mccabe", "libcst")


class BenchEnvironmentError(RuntimeError):
    """An environment could not be built or does not contain what it should."""


@dataclass(frozen=True)
class Environment:
    """A virtual environment the benchmark runs flake8 from."""

    name: str
    path: Path

    def executable(self, name: str) -> Path:
        return self.path / "bin" / name

    @property
    def python(self) -> str:
        return str(self.executable("python"))

    @property
    def flake8(self) -> str:
        return str(self.executable("flake8"))


@dataclass(frozen=True)
class Environments:
    with_checker: Environment
    without_checker: Environment
    versions: Dict[str, str]
    """Installed version of each PINNED distribution, the same in both."""
    flake8_versions: Dict[str, str]
    """The ``flake8 --version`` line of each environment, by name."""


def prepare(bench_dir: Path) -> Environments:
    """Create or update both environments and check that they match."""
    with_checker = Environment("with", bench_dir / "with")
    without_checker = Environment("without", bench_dir / "without")
    install_project(with_checker)
    versions = installed_versions(with_checker, PINNED)
    install_pinned(without_checker, versions)
    if installed_versions(without_checker, PINNED) != versions:
        raise BenchEnvironmentError(
            f"{without_checker.path} does not have the versions of "
            f"{with_checker.path}: {versions}; delete it and run again"
        )
    flake8_versions = check_plugins(with_checker, without_checker)
    return Environments(with_checker, without_checker, versions, flake8_versions)


def install_project(env: Environment) -> None:
    """Install this clone into ``env``, reinstalling it on every run.

    The reinstall picks up the current source without re-resolving the
    dependencies, so flake8 and libcst stay at the versions first installed.
    """
    created = create(env)
    if created:
        pip(env, "install", str(ROOT))
    else:
        pip(env, "install", "--no-deps", "--force-reinstall", str(ROOT))


def install_pinned(env: Environment, versions: Dict[str, str]) -> None:
    create(env)
    if installed_versions(env, PINNED) == versions:
        return
    requirements = [f"{name}=={version}" for name, version in versions.items()]
    pip(env, "install", *requirements)


def create(env: Environment) -> bool:
    """Create ``env`` unless it exists; return whether it was created."""
    if Path(env.python).exists():
        return False
    print(f"creating virtual environment {env.path}", flush=True)
    venv.EnvBuilder(with_pip=True).create(env.path)
    return True


def pip(env: Environment, *arguments: str) -> None:
    command = [
        env.python, "-m", "pip", "--quiet", "--disable-pip-version-check",
        *arguments,
    ]
    print(f"$ {env.name}: pip", *arguments, flush=True)
    completed = subprocess.run(command, cwd=ROOT, check=False)
    if completed.returncode != 0:
        raise BenchEnvironmentError(
            f"pip failed with exit code {completed.returncode}: {command}"
        )


def installed_versions(env: Environment, names: Sequence[str]) -> Dict[str, str]:
    """Return the installed version of each distribution, "" when missing."""
    script = (
        "import json, sys\n"
        "from importlib import metadata\n"
        "found = {}\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n"
        "        found[name] = metadata.version(name)\n"
        "    except metadata.PackageNotFoundError:\n"
        "        found[name] = ''\n"
        "print(json.dumps(found))\n"
    )
    output = run_output([env.python, "-c", script, *names], cwd=env.path)
    versions: Dict[str, str] = json.loads(output)
    return versions


def check_plugins(
    with_checker: Environment, without_checker: Environment
) -> Dict[str, str]:
    """Check that the plugin lists differ only in flake8-taskspec.

    ``flake8 --version`` prints, for example, ``7.1.1 (flake8-taskspec:
    0.1.0, mccabe: 0.7.0, pycodestyle: 2.12.1, pyflakes: 3.2.0) CPython
    3.11.7 on Linux``. Returns each environment's line.
    """
    lines = {}
    plugins = {}
    for env in (with_checker, without_checker):
        # flake8 wraps the line at the terminal width; join it back.
        line = " ".join(run_output([env.flake8, "--version"], cwd=env.path).split())
        lines[env.name] = line
        plugins[env.name] = plugin_versions(line)
    if PROJECT not in plugins["with"]:
        raise BenchEnvironmentError(
            f"{PROJECT} is not a flake8 plugin in {with_checker.path}: "
            f"{lines['with']}"
        )
    if PROJECT in plugins["without"]:
        raise BenchEnvironmentError(
            f"{PROJECT} is a flake8 plugin in {without_checker.path}: "
            f"{lines['without']}; delete that folder and run again"
        )
    others = dict(plugins["with"])
    del others[PROJECT]
    if others != plugins["without"]:
        raise BenchEnvironmentError(
            f"the environments load different plugins besides {PROJECT}: "
            f"{lines['with']!r} and {lines['without']!r}"
        )
    return lines


def plugin_versions(version_line: str) -> Dict[str, str]:
    """Parse the ``(name: version, ...)`` part of ``flake8 --version``."""
    match = re.search(r"\((.*)\)", version_line)
    if match is None:
        raise BenchEnvironmentError(
            f"no plugin list in the flake8 --version output {version_line!r}"
        )
    found = {}
    for item in match.group(1).split(","):
        name, _, version = item.strip().partition(":")
        found[name.strip()] = version.strip()
    return found


def read_catalog(env: Environment) -> Catalog:
    """Return the task types and queues of the registry installed in ``env``.

    The generated handler modules must name the types that the installed
    checker checks against, so they come from the same installed copy.
    """
    script = (
        "import json, registry\n"
        "types = [[name, registry.spec(name).idempotent]"
        " for name in registry.task_types()]\n"
        "queues = [queue.name for queue in registry.QUEUES]\n"
        "print(json.dumps({'types': types, 'queues': queues}))\n"
    )
    # Run from the environment's folder: from the clone, `import registry`
    # would find the source tree instead of the installed copy.
    data = json.loads(run_output([env.python, "-c", script], cwd=env.path))
    task_types = [TaskType(name, idempotent) for name, idempotent in data["types"]]
    queues: List[str] = data["queues"]
    return Catalog(task_types, queues)


def run_output(command: List[str], cwd: Path) -> str:
    completed = subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, check=False
    )
    if completed.returncode != 0:
        raise BenchEnvironmentError(
            f"{command[0]} failed with exit code {completed.returncode}: "
            f"{completed.stderr.strip()}"
        )
    return completed.stdout
