"""The pure/shell rule (ARCHITECTURE.md): pure modules import only the standard library,
numpy/cv2, own package's pure modules and tcm_app.common, and do no I/O (files, console,
arguments, processes) outside their command-line entry; package __init__ files are empty."""

import ast
import sys
from pathlib import Path

import pytest

from tcm_app.domains import INSTALLED_DOMAINS

pytestmark = pytest.mark.pure

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tcm_app", *INSTALLED_DOMAINS)
SHELL_NAMES = {
    "views",
    "forms",
    "models",
    "services",
    "tasks",
    "api",
    "cli",
    "setup",
    "labels",
    "socket",  # a WebSocket route's controller: framework glue like views
    "__init__",
}
# The hospital core's framework modules: the factory, settings, extensions and PDF rendering.
CORE_SHELL = {
    "app",
    "config",
    "extensions",
    "worker",
    "pdf",
    "domains",
    "navigation",
    "panels",
    "stylesheets",
}
IMAGE_LIBRARIES = {"numpy", "cv2"}


def is_shell(path: Path) -> bool:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if any(part in SHELL_NAMES for part in parts):
        return True
    return parts[0] == "tcm_app" and len(parts) == 2 and parts[1] in CORE_SHELL


def python_files():
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def pure_modules():
    return [path for path in python_files() if not is_shell(path)]


def is_main_guard(node: ast.AST) -> bool:
    """`if __name__ == "__main__":`: a pure module's command-line entry may wire in I/O."""
    test = getattr(node, "test", None)
    return (
        isinstance(node, ast.If)
        and isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


def parsed_without_entry(path: Path) -> ast.Module:
    """The module's syntax tree without its `if __name__ == "__main__":` entry, the one place a
    pure module may wire in imports and I/O."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    tree.body = [node for node in tree.body if not is_main_guard(node)]
    return tree


def imported_modules(path: Path) -> list[tuple[str, int]]:
    tree = parsed_without_entry(path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                found.append((_resolve_relative(path, node), node.lineno))
            else:
                found.append((node.module or "", node.lineno))
    return found


def _resolve_relative(path: Path, node: ast.ImportFrom) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts[: -node.level])
    return ".".join(parts + ([node.module] if node.module else []))


def allowed(importer: Path, module: str) -> bool:
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or top in IMAGE_LIBRARIES:
        return True
    if module == "tcm_app.common" or module.startswith("tcm_app.common."):
        return True
    own_package = importer.relative_to(ROOT).parts[0]
    if top == own_package:
        target = ROOT / Path(*module.split("."))
        return not is_shell(target.with_suffix(".py")) and not is_shell(target / "x.py")
    return False


def test_there_are_pure_modules_to_check():
    names = {path.stem for path in pure_modules()}
    assert {"resident_id", "online_care", "audit_chain"} <= names


@pytest.mark.parametrize("path", pure_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_module_imports_no_framework(path):
    breaches = [
        f"line {line}: {module}"
        for module, line in imported_modules(path)
        if not allowed(path, module)
    ]
    assert not breaches, f"{path.relative_to(ROOT)} is pure but imports: {breaches}"


def test_domain_package_inits_stay_empty():
    inits = [ROOT / package / "__init__.py" for package in PACKAGES[1:]]
    inits += sorted((ROOT / "tcm_app").rglob("__init__.py"))
    not_empty = [str(p.relative_to(ROOT)) for p in inits if p.read_text().strip()]
    assert not not_empty


def test_the_checker_catches_a_breach(tmp_path):
    """Guard the guard: a pure module importing flask is reported."""
    fake = ROOT / "herbs" / "safety.py"
    assert not is_shell(fake)
    assert not allowed(fake, "flask")
    assert not allowed(fake, "sqlalchemy.orm")
    assert not allowed(fake, "tcm_app.services.audit")
    assert not allowed(fake, "diagnosis.tongue")
    assert not allowed(fake, "herbs.models")
    assert allowed(fake, "herbs.dosage")
    assert allowed(fake, "tcm_app.common.errors")
    assert allowed(fake, "numpy")


def test_only_the_command_line_entry_may_wire_in_io(tmp_path):
    """Imports under `if __name__ == "__main__":` are the entry's; anywhere else they count."""
    module = tmp_path / "rule.py"
    module.write_text(
        "import json\n"
        "def helper():\n    import flask\n"
        "if __name__ == '__main__':\n    from decoction.cli import plan_command\n"
    )
    found = [name for name, _line in imported_modules(module)]
    assert found == ["json", "flask"]


IO_CALLS = {"open", "print", "input"}
IO_SYS = {"stdin", "stdout", "stderr", "argv", "exit"}
IO_MODULES = {"argparse", "subprocess", "socket", "shutil"}
IO_METHODS = {"read_text", "read_bytes", "write_text", "write_bytes", "open"}


def io_in(path: Path) -> list[str]:
    """Input and output a pure module does outside its command-line entry: files, the console,
    arguments, processes, sockets."""
    tree = parsed_without_entry(path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in IO_CALLS:
                found.append(f"line {node.lineno}: {node.func.id}()")
        elif isinstance(node, ast.Attribute):
            owner = node.value.id if isinstance(node.value, ast.Name) else ""
            if (owner == "sys" and node.attr in IO_SYS) or node.attr in IO_METHODS:
                found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            found += [f"line {node.lineno}: import {n}" for n in names if n in IO_MODULES]
    return found


@pytest.mark.parametrize("path", pure_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_module_does_no_io(path):
    assert io_in(path) == [], f"{path.relative_to(ROOT)} is pure but does I/O"


def test_guard_io_in_a_pure_module_is_found(tmp_path):
    module = tmp_path / "rule.py"
    module.write_text(
        "import argparse\nimport sys\n"
        "def rule(path):\n    print(sys.stdin.read())\n    return path.read_text()\n"
        "if __name__ == '__main__':\n    print('the entry may')\n"
    )
    assert sorted(io_in(module)) == [
        "line 1: import argparse",
        "line 4: .stdin",
        "line 4: print()",
        "line 5: .read_text",
    ]
