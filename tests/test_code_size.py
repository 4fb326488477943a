"""The guide's size limits hold for the whole package (tests/code_size.py prints the offenders)."""
from code_size import MAX_FUNCTION_LINES, MAX_MODULE_LINES, oversized, oversized_scripts


def test_no_module_or_function_over_the_limits(tmp_path):
    assert oversized() == []
    # the check itself sees an offender
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "long.py").write_text("def f():\n" + "    x = 1\n" * MAX_FUNCTION_LINES, encoding="utf-8")
    assert [p for p in oversized(tmp_path / "pkg") if "f: 81 lines" in p]


def test_no_theme_script_over_the_limit(tmp_path):
    assert oversized_scripts() == []
    (tmp_path / "t" / "static").mkdir(parents=True)
    (tmp_path / "t" / "static" / "long.js").write_text("x;\n" * (MAX_MODULE_LINES + 1), encoding="utf-8")
    (tmp_path / "t" / "static" / "short.js").write_text("x;\n" * MAX_MODULE_LINES, encoding="utf-8")
    assert oversized_scripts(tmp_path) == [f"t/static/long.js: {MAX_MODULE_LINES + 1} lines (script)"]
