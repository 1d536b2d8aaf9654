"""Style is part of the build: ruff lint (incl. complexity ≤ 10) and ruff format must pass."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tcm_app.domains import INSTALLED_DOMAINS

pytestmark = pytest.mark.pure
ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["tcm_app", *INSTALLED_DOMAINS, "tests", "benchmarks", "scripts"]
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff(command):
    assert RUFF, "ruff is installed by make test"
    result = subprocess.run([RUFF, *command, *SOURCES], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
