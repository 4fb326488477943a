"""A newcomer's first hour: install from the README, `new`, warnings, drafts, links, clear errors."""
from __future__ import annotations

import re

from conftest import REPO


def readme_commands() -> list[str]:
    """The shell lines of the README's 'Install and test' block."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Install and test", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_readme_install_is_two_commands_in_a_venv_and_ci_runs_exactly_them():
    install, test = readme_commands()
    assert install.startswith("python3 -m venv .venv && .venv/bin/pip install -e '.[test]'")
    assert test == ".venv/bin/python -m pytest"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert install.replace("pip install -e", "pip install -q -e") in ci and test in ci
    # nothing in the suite reaches outside the repository
    outside = "../" + "shared"
    for path in (REPO / "tests").rglob("*.py"):
        assert outside not in path.read_text(encoding="utf-8"), path


def test_plain_install_needs_no_test_tools():
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = " ".join(project["dependencies"]).lower()
    assert "playwright" not in deps and "pytest" not in deps
    assert {"pytest", "hypothesis", "playwright"} <= {re.split(r"[<>=]", d)[0] for d in project["optional-dependencies"]["test"]}
