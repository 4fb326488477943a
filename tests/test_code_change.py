"""A change to any function of the package invalidates what it can change: a rebuild with the
changed code writes exactly what a cold build with that code writes."""
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO, tree_bytes, write_bilingual_articles


def run_build(package_root: Path, site: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(package_root), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "site_builder", "build", "--site", str(site), "--jobs", "1"],
                            env=env, capture_output=True, text=True, cwd=package_root)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def copy_package(dest: Path) -> Path:
    shutil.copytree(REPO / "site_builder", dest / "site_builder", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "themes", dest / "themes")  # found beside the package, as in a checkout
    return dest


def change_function(package_root: Path, module: str, old: str, new: str) -> None:
    path = package_root / "site_builder" / module
    text = path.read_text(encoding="utf-8")
    assert old in text, (module, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_changing_slugify_then_rebuilding_equals_a_cold_build(tmp_path):
    code = copy_package(tmp_path / "code")
    site = write_bilingual_articles(tmp_path / "site")
    run_build(code, site)
    before = tree_bytes(site / "output")
    change_function(code, "text/slug.py", "def slugify(text: str, max_len: int = 80, fallback: str = _FALLBACK) -> str:\n",
                    "def slugify(text: str, max_len: int = 80, fallback: str = _FALLBACK) -> str:\n"
                    "    return 'x-' + _slugify(text, max_len, fallback)\n\n\n"
                    "def _slugify(text: str, max_len: int = 80, fallback: str = _FALLBACK) -> str:\n")
    rebuilt = run_build(code, site)
    assert "0 rendered" not in rebuilt.stdout
    cold_site = tmp_path / "cold"
    shutil.copytree(site / "content", cold_site / "content")
    run_build(code, cold_site)
    after = tree_bytes(site / "output")
    assert after == tree_bytes(cold_site / "output")
    assert after != before
    assert any(name.startswith("tags/x-") for name in after)


def test_a_library_version_is_part_of_the_code_fingerprint(monkeypatch):
    from site_builder.build import fingerprint

    fingerprint.code_fingerprint.cache_clear()
    first = fingerprint.code_fingerprint()
    real = fingerprint.metadata.version
    monkeypatch.setattr(fingerprint.metadata, "version",
                        lambda name: "99.0" if name == "pygments" else real(name))
    fingerprint.code_fingerprint.cache_clear()
    try:
        assert fingerprint.code_fingerprint() != first
    finally:
        monkeypatch.undo()
        fingerprint.code_fingerprint.cache_clear()
