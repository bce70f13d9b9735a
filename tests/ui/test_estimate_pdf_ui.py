"""The editor's "Export PDF…" button: the save dialog, the worker, the client's quote on disk."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt

from keyplan import APP_NAME, ORGANISATION
from keyplan.services.estimate_records import LineDraft
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.views import estimate_editor
from keyplan.ui.views.estimate_editor import EstimateEditor

D = Decimal


@pytest.fixture
def editor(qtbot, tmp_path: Path) -> Iterator[EstimateEditor]:  # type: ignore[no-untyped-def]
    services = WorkspaceServices.create(tmp_path / "e.keyplan", agency_name="Lumen")
    account = services.accounts.create(
        AccountDraft("Sen Việt", currency="VND", market="VN", legal_name="Công ty Sen Việt")
    )
    ref = services.estimates.create(account, "Tết campaign", tax_rate=D(10))
    section = services.estimates.document(ref.revision_id).sections[0].id
    services.estimates.add_line(
        section,
        LineDraft(description="Thiết kế key visual", quantity=D(3), unit="ngày",
                  unit_price=D(2600000), unit_cost=D(1234567)),
    )  # fmt: skip
    services.estimates.add_line(
        section,
        LineDraft(description="Livestream KOC 张伟", unit_price=D(33000000), optional=True),
    )
    session = WorkspaceSession(services)
    widget = EstimateEditor(session)
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.show_revision(ref.revision_id)
    yield widget
    session.close()


class SaveDialog:
    """Stands in for QFileDialog.getSaveFileName: answers ``answer``, records the question."""

    def __init__(self, answer: Path | None) -> None:
        self.answer = answer
        self.asked: list[tuple[str, str, str]] = []

    def __call__(self, _parent: Any, caption: str, suggested: str, filters: str) -> tuple[str, str]:
        self.asked.append((caption, suggested, filters))
        return (str(self.answer) if self.answer else "", filters)


def text_of(path: Path) -> str:
    reader = PdfReader(path)
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def click_export_pdf(qtbot, editor: EstimateEditor, monkeypatch, answer: Path | None) -> SaveDialog:  # type: ignore[no-untyped-def]
    dialog = SaveDialog(answer)
    monkeypatch.setattr(estimate_editor.QFileDialog, "getSaveFileName", dialog)
    button = editor.buttons["pdf"]
    assert button.isVisibleTo(editor) and button.text() == "Export PDF…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # the export runs in a worker thread
    return dialog


def test_the_button_writes_the_client_quote_with_the_totals_shown(
    qtbot, editor: EstimateEditor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    editor.internal.setChecked(True)  # internal figures on screen never reach the client PDF
    assert "cost" in editor.totals.values
    target = tmp_path / "out" / "quote.pdf"
    target.parent.mkdir()
    dialog = click_export_pdf(qtbot, editor, monkeypatch, target)
    ((caption, suggested, filters),) = dialog.asked
    assert caption == "Export PDF" and "*.pdf" in filters
    number = editor.document.number  # type: ignore[union-attr]
    assert Path(suggested).name == f"Sen Việt - {number} rev1 - Tết campaign.pdf"
    assert editor.last_export == target and target.read_bytes().startswith(b"%PDF-")
    text = text_of(target)
    assert f"Total VND {editor.totals.values['total']}" in text  # the figure the panel shows
    assert f"Subtotal {editor.totals.values['subtotal']}" in text
    assert editor.totals.values["optional"] in text
    for internal in ("cost", "margin"):
        assert editor.totals.values[internal] not in text
    assert "1,234,567" not in text  # the unit cost
    assert "Công ty Sen Việt" in text and "Livestream KOC 张伟" in text
    settings = QSettings(ORGANISATION, APP_NAME)
    assert Path(str(settings.value("exports/folder"))) == target.parent  # remembered


def test_a_name_without_pdf_gets_it_and_an_existing_file_is_kept(
    qtbot, editor: EstimateEditor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    editor.session.error.connect(errors.append)
    click_export_pdf(qtbot, editor, monkeypatch, tmp_path / "quote")
    assert editor.last_export == tmp_path / "quote.pdf"
    assert (tmp_path / "quote.pdf").read_bytes().startswith(b"%PDF-")
    # the dialog asked about "quote", not "quote.pdf": that one is not replaced
    (tmp_path / "quote.pdf").write_bytes(b"signed copy")
    click_export_pdf(qtbot, editor, monkeypatch, tmp_path / "quote")
    assert (tmp_path / "quote.pdf").read_bytes() == b"signed copy"
    assert errors and "already exists" in errors[-1]


def test_cancelling_the_dialog_writes_nothing_and_errors_are_shown(
    qtbot, editor: EstimateEditor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    click_export_pdf(qtbot, editor, monkeypatch, None)
    assert editor.last_export is None
    errors: list[str] = []
    editor.session.error.connect(errors.append)
    assert editor.export_pdf(tmp_path / "missing" / "quote.pdf") is None
    assert errors and "missing" in errors[0]
    # a path chosen in the dialog may be replaced (the dialog asked)
    target = tmp_path / "again.pdf"
    target.write_bytes(b"old")
    assert editor.export_pdf(target) == target
    assert target.read_bytes().startswith(b"%PDF-")


def test_the_pdf_button_sits_next_to_excel(editor: EstimateEditor) -> None:
    names = list(editor.buttons)
    assert names.index("pdf") == names.index("export") + 1
    assert editor.buttons["export"].text() == "Export to Excel…"


def test_no_export_without_a_revision(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services = WorkspaceServices.create(tmp_path / "x.keyplan", agency_name="Lumen")
    session = WorkspaceSession(services)
    widget = EstimateEditor(session)
    qtbot.addWidget(widget)
    assert widget.export_pdf(tmp_path / "x.pdf") is None
    assert not (tmp_path / "x.pdf").exists()
    session.close()


def test_the_excel_button_next_to_it_asks_for_the_audience_when_clicked(
    qtbot, editor: EstimateEditor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """clicked(bool) once reached export_excel as audience=False; a click asks the audience."""
    asked: list[str] = []
    monkeypatch.setattr(editor, "_ask_audience", lambda: asked.append("asked") or "client")
    target = tmp_path / "estimate.xlsx"
    dialog = SaveDialog(target)
    monkeypatch.setattr(estimate_editor.QFileDialog, "getSaveFileName", dialog)
    qtbot.mouseClick(editor.buttons["export"], Qt.MouseButton.LeftButton)
    assert asked == ["asked"]
    assert dialog.asked[0][1].endswith(".xlsx")
    assert editor.last_export == target and target.exists()
