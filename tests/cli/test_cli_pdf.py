"""keyplan-cli export-estimate -o FILE.pdf: the client's quote, one-line errors, no overwrite."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyplan.domain.numbers import format_decimal
from keyplan.services.workspace import WorkspaceServices

from .conftest import PREFIX, run, text_of


def test_a_pdf_file_name_writes_the_client_quote(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = "HLP-2026-0007"  # VND: no decimals
    target = tmp_path / "quote.pdf"
    code, out, err = run(capsys, "export-estimate", str(demo_path), number, "-o", str(target))
    assert (code, err) == (0, "")
    assert out.strip() == str(target)
    with WorkspaceServices.open(demo_path, read_only=True) as services:
        record = services.estimates.document(services.estimates.find(number))
    text = text_of(target)
    assert f"Total VND {format_decimal(record.totals.total, 'en_US', 0)}" in text
    assert "Chiến dịch Tết Nguyên Đán trên sàn" in text
    assert record.internal_notes and record.internal_notes not in text
    # an earlier revision, and an upper-case extension
    older = tmp_path / "R1.PDF"
    code, out, _ = run(
        capsys, "export-estimate", str(demo_path), number, "--revision", "1", "-o", str(older)
    )
    assert code == 0 and older.read_bytes().startswith(b"%PDF-")
    assert f"{number} rev 1" in text_of(older)


def test_an_internal_pdf_is_refused_in_one_line(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "internal.pdf"
    code, out, err = run(
        capsys,
        "export-estimate",
        str(demo_path),
        "HLP-2026-0009",
        "--audience",
        "internal",
        "-o",
        str(target),
    )
    assert code == 1 and out == ""
    assert err.startswith(PREFIX) and err.count("\n") == 1
    assert "client" in err and ".xlsx" in err
    assert not target.exists()


def test_an_existing_pdf_is_kept_unless_forced(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "quote.pdf"
    target.write_bytes(b"signed by the client")
    argv = ("export-estimate", str(demo_path), "HLP-2026-0009", "-o", str(target))
    code, _, err = run(capsys, *argv)
    assert code == 1 and "already exists" in err and err.count("\n") == 1
    assert target.read_bytes() == b"signed by the client"
    code, _, _ = run(capsys, *argv, "--force")
    assert code == 0 and target.read_bytes().startswith(b"%PDF-")
    assert "구독 서비스 리런칭 제안" in text_of(target)  # the Korean demo estimate


def test_an_xlsx_name_and_a_folder_still_write_workbooks(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "export-estimate", str(demo_path), "HLP-2026-0009", "-o", str(tmp_path)
    )
    assert code == 0 and out.strip().endswith(".xlsx")
    code, out, _ = run(capsys, "export-estimate", "--help")
    assert code == 0 and ".pdf" in out
