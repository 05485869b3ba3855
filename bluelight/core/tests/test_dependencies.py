"""Dependencies point one way: the product never imports the demo (the demo uses the product)."""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
DEMO_IMPORT = re.compile(
    r"^\s*(from\s+bluelight\.demo\b|import\s+bluelight\.demo\b|from\s+bluelight\s+import\s+demo\b)", re.M
)


def test_no_product_module_imports_the_demo():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "demo" not in path.relative_to(PACKAGE).parts[:1]
        and "tests" not in path.parts
        and "commands" not in path.parts
        and DEMO_IMPORT.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
