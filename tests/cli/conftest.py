"""CLI fixtures and helpers shared by the command tests: the demo workspace on a fixed day, a
runner that captures stdout/stderr, and the text of a written PDF."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from keyplan.cli import main
from keyplan.services.demo import create_demo_workspace

TODAY = date(2026, 3, 16)
PREFIX = "keyplan-cli: error: "


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace dated TODAY, built once per test module (modules may override it)."""
    path = tmp_path_factory.mktemp("cli_demo") / "demo.keyplan"
    with create_demo_workspace(path, today=TODAY):
        pass
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """keyplan-cli with argv: the exit code, stdout and stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def text_of(path: Path) -> str:
    """The text of every page of a PDF, white space folded."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())
