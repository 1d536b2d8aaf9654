"""No import cycle between our modules, counting imports inside functions (a function-local import
only hides a cycle until someone moves it). The command-line entry under
`if __name__ == "__main__":` is not an import of the module."""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

from tests.test_architecture import PACKAGES, ROOT, parsed_without_entry

pytestmark = pytest.mark.pure


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_modules() -> dict[str, Path]:
    return {
        module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
    }


def imports_of(path: Path, known: set[str], name: str = "") -> set[str]:
    """Our modules this file (module `name`) imports anywhere in it: `from herbs.services import
    documents` is an import of herbs.services.documents."""
    tree = parsed_without_entry(path)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return (found & known) - {name or module_name(path)}


def import_cycle(graph: dict[str, set[str]]) -> list[str]:
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        return error.args[1]
    return []


def test_no_module_imports_itself_back():
    modules = our_modules()
    graph = {name: imports_of(path, set(modules)) for name, path in modules.items()}
    assert import_cycle(graph) == []


def test_guard_a_function_local_cycle_is_found(tmp_path):
    plan = tmp_path / "plan.py"
    plan.write_text("def main():\n    from decoction.cli import plan_command\n")
    cli = tmp_path / "cli.py"
    cli.write_text("from decoction.plan import plan_request\n")
    known = {"decoction.plan", "decoction.cli"}
    graph = {
        "decoction.plan": imports_of(plan, known, "decoction.plan"),
        "decoction.cli": imports_of(cli, known, "decoction.cli"),
    }
    assert set(import_cycle(graph)) == known
