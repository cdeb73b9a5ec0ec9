"""All SQL lives in `mentorfeed/store/`: the rest of the code talks to the store through its
methods, so no module outside it imports SQLAlchemy or Alembic or reaches for the engine."""

from __future__ import annotations

import ast
from pathlib import Path

import mentorfeed

PACKAGE = Path(mentorfeed.__file__).parent
STORE = PACKAGE / "store"
SQL_PACKAGES = ("sqlalchemy", "alembic")


def _outside_store() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if STORE not in p.parents]


def _imported(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_the_check_reads_the_package() -> None:
    modules = _outside_store()
    assert PACKAGE / "service" / "mentors.py" in modules
    assert not any(STORE in p.parents for p in modules)
    assert "sqlalchemy" in _imported(ast.parse((STORE / "store.py").read_text()))


def test_no_module_outside_the_store_imports_sqlalchemy_or_alembic() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(name for name in _imported(ast.parse(
            path.read_text(encoding="utf-8"))) if name.split(".")[0] in SQL_PACKAGES)
        for path in _outside_store()}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_no_module_outside_the_store_touches_its_engine() -> None:
    offenders = [f"{path.relative_to(PACKAGE)}:{node.lineno}"
                 for path in _outside_store()
                 for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Attribute) and node.attr in ("engine", "_engine")]
    assert offenders == []
