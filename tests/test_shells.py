"""The shells are thin: the CLI and the web app import only the library API (`mentorfeed.service`)
and the shared vocabulary (`models`, `taxonomy`, `config`, `errors`), besides their own modules."""

from __future__ import annotations

import ast
from pathlib import Path

import mentorfeed

PACKAGE = Path(mentorfeed.__file__).parent
ALLOWED = ("mentorfeed.service", "mentorfeed.models", "mentorfeed.taxonomy", "mentorfeed.config",
           "mentorfeed.errors")
# `mentorfeed serve` and `mentorfeed demo` start the other shell, the web app.
STARTS = {"cli": ("mentorfeed.web.serve",), "web": ()}


def _imports(path: Path) -> list[str]:
    """Every mentorfeed module a file imports, at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "mentorfeed":
                found += [f"mentorfeed.{alias.name}" for alias in node.names]
            else:
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return [name for name in found if name.split(".")[0] == "mentorfeed"]


def test_the_cli_and_the_web_app_import_only_the_library_api() -> None:
    wrong = []
    for shell in ("cli", "web"):
        for path in sorted((PACKAGE / shell).rglob("*.py")):
            for name in _imports(path):
                own = name.startswith(f"mentorfeed.{shell}")
                if not own and not name.startswith(ALLOWED + STARTS[shell]):
                    wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert wrong == []
