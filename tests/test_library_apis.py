"""CoP uses its libraries through their public APIs only (STYLE.md): no private method or internal token."""

from pathlib import Path

COP = Path(__file__).resolve().parent.parent / "cop"

# Each was once reached into: Flask-Limiter's per-request check, SQLAlchemy's expanding-parameter
# placeholder and its cached type processors.
PRIVATE_NAMES = ("_check_request_limit", "POSTCOMPILE", "_cached_result_processor")


def test_no_private_library_names_in_cop():
    found = [f"{path.relative_to(COP.parent)}: {name}"
             for path in sorted(COP.rglob("*.py"))
             for name in PRIVATE_NAMES if name in path.read_text(encoding="utf-8")]
    assert found == []
