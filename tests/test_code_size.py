"""The guide's size limits hold for the whole package (tests/code_size.py prints the offenders)."""
from code_size import MAX_FUNCTION_LINES, oversized


def test_no_module_or_function_over_the_limits(tmp_path):
    assert oversized() == []
    # the check itself sees an offender
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "long.py").write_text("def f():\n" + "    x = 1\n" * MAX_FUNCTION_LINES, encoding="utf-8")
    assert [p for p in oversized(tmp_path / "pkg") if "f: 81 lines" in p]
