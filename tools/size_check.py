"""Files over 300 lines and functions over 50 lines outside tests: the size rule of the layout issue.

python -m tools.size_check        # prints offenders, exits 1 when there are any
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

MAX_FILE_LINES = 300
MAX_FUNCTION_LINES = 50


def python_files(root: Path) -> list[Path]:
    """Tracked and untracked-not-ignored .py files, tests and assets' generator scripts excluded."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [root / f for f in out if not f.startswith(("tests/", "assets/")) and (root / f).is_file()]


def offenders(root: Path) -> list[str]:
    found = []
    for path in python_files(root):
        text = path.read_text(encoding="utf-8")
        lines = len(text.splitlines())
        rel = path.relative_to(root)
        if lines > MAX_FILE_LINES:
            found.append(f"{rel}: {lines} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{rel}:{node.lineno} {node.name}(): {length} lines")
    return found


def main() -> int:
    found = offenders(Path(__file__).resolve().parent.parent)
    print("\n".join(found) or "no file over 300 lines, no function over 50 lines")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
