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


def cli(*args, **kwargs):
    from click.testing import CliRunner

    from site_builder.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], **kwargs)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def new_site(tmp_path, name="x"):
    site = tmp_path / name
    assert cli("new", site).exit_code == 0
    return site


def test_new_makes_a_site_that_builds_at_once_and_says_what_next(tmp_path):
    site = tmp_path / "x"
    made = cli("new", site)
    assert made.exit_code == 0
    assert f"cd {site}" in made.output and "site-builder serve" in made.output
    for rel in ("site.toml", "content/raw/README.md", "content/articles/welcome.md"):
        assert (site / rel).is_file(), rel
    assert "#" in (site / "site.toml").read_text(encoding="utf-8")  # commented
    overrides = list((site / "themes").rglob("templates/*.html"))
    assert len(overrides) == 1
    built = cli("build", "--site", site)
    assert built.exit_code == 0, built.output
    assert "warning" not in built.output
    home = (site / "output" / "index.html").read_text(encoding="utf-8")
    assert "Welcome to your archive" in home and "made with site-builder" in home  # the override shows
    assert (site / "output" / "articles" / "welcome.html").is_file()


def test_new_refuses_a_folder_that_holds_anything(tmp_path):
    site = tmp_path / "busy"
    site.mkdir()
    (site / "notes.txt").write_text("mine", encoding="utf-8")
    result = cli("new", site)
    assert result.exit_code == 2 and "not an empty folder" in result.output
    assert [p.name for p in site.iterdir()] == ["notes.txt"]
    assert (site / "notes.txt").read_text(encoding="utf-8") == "mine"
