"""The layout the project agreed on: one package per chapter, small files, no Streamlit in explain/."""

from __future__ import annotations

import ast
from pathlib import Path

from tools.size_check import offenders

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = (
    "tokenization",
    "embeddings",
    "attention",
    "next_token",
    "training",
    "finetune",
    "classroom",
    "live_class",
    "assistant",
    "frontier",
)


def test_no_file_over_300_lines_and_no_function_over_50_outside_tests():
    assert offenders(ROOT) == []


def test_explain_never_imports_streamlit():
    importers = []
    for path in (ROOT / "explain").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            if any(n == "streamlit" or n.startswith("streamlit.") for n in names):
                importers.append(str(path.relative_to(ROOT)))
    assert importers == []


def test_each_chapter_is_found_from_its_name():
    for chapter in CHAPTERS:
        package = ROOT / "explain" / chapter
        assert (package / "__init__.py").is_file() and ast.get_docstring(
            ast.parse((package / "__init__.py").read_text())
        )
        assert list(ROOT.glob(f"ui/{chapter}*.py")) or chapter == "classroom", chapter
        assert (ROOT / "tests" / chapter).is_dir(), chapter
    flat = [p.name for p in (ROOT / "explain").glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert flat == [], f"modules outside a chapter package: {flat}"


def test_every_module_says_what_it_covers():
    missing = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "explain").rglob("*.py")
        if p.stat().st_size and not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert missing == []
