"""Types are part of the build: mypy (pinned, configured in pyproject.toml) passes on
tcm_app/common, every pure module and every services/ module of the core and the installed
domains. The file list comes from the architecture test, so a new domain is checked unchanged."""

from pathlib import Path

import pytest
from mypy import api

from tests.test_architecture import PACKAGES, ROOT, pure_modules

pytestmark = pytest.mark.pure


def checked_files() -> list[Path]:
    files = set(pure_modules()) | set((ROOT / "tcm_app" / "common").rglob("*.py"))
    for package in PACKAGES:
        files |= set((ROOT / package).rglob("services/*.py"))
    return sorted(files)


def test_the_list_covers_common_pure_modules_and_services():
    names = {str(path.relative_to(ROOT)) for path in checked_files()}
    assert {"tcm_app/common/errors.py", "herbs/safety.py", "tcm_app/services/accounts.py"} <= names
    for package in PACKAGES:
        services = {str(path.relative_to(ROOT)) for path in (ROOT / package).glob("services/*.py")}
        assert services <= names, package


def test_mypy_passes():
    report, errors, status = api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            *map(str, checked_files()),
        ]
    )
    assert status == 0, f"mypy found errors (fix them, see CONTRIBUTING.md):\n{report}{errors}"
