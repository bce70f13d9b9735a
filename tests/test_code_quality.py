"""The code's own rules, checked in every test run: lint, types, layer contracts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_lint_is_clean() -> None:
    result = _run(sys.executable, "-m", "ruff", "check", "desktop", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = _run(sys.executable, "-m", "ruff", "format", "--check", "desktop", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_the_layers_below_the_ui() -> None:
    result = _run(sys.executable, "-m", "mypy")  # packages and strictness: pyproject.toml
    assert result.returncode == 0, result.stdout + result.stderr


def test_imports_point_downwards() -> None:
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint_imports is None:
        pytest.fail("lint-imports (import-linter) is not installed: pip install -e .[dev]")
    result = _run(lint_imports)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
