"""The Actuals tab of the estimate editor, driven like a user on the demo workspace."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

from keyplan.services import actuals_import
from keyplan.services.demo import create_demo_workspace
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.main_window import MainWindow
from keyplan.ui.views.actuals_panel import ActualDialog, ActualsImportDialog, ActualsPanel
from keyplan.ui.views.estimate_editor import ACTUALS_TAB, EstimateEditor

D = Decimal
TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "Demo.keyplan"
    create_demo_workspace(path, today=TODAY).close()
    return path


@pytest.fixture
def demo(window: MainWindow, demo_file: Path, tmp_path: Path) -> Iterator[MainWindow]:
    path = tmp_path / "Actuals.keyplan"
    shutil.copy(demo_file, path)
    assert window.open_workspace(path), window.errors  # type: ignore[attr-defined]
    yield window


def _services(window: MainWindow) -> WorkspaceServices:
    assert window.session is not None
    return window.session.services


def _open(window: MainWindow, number: str) -> tuple[EstimateEditor, ActualsPanel]:
    services = _services(window)
    summary = next(s for s in services.estimates.summaries() if s.number == number)
    assert window.show_estimate(summary.revision_id)
    editor = window.estimate_editor
    assert editor is not None
    return editor, editor.actuals


def _estimate_id(window: MainWindow, number: str) -> int:
    return next(
        s.estimate_id for s in _services(window).estimates.summaries() if s.number == number
    )


def _tree_row(panel: ActualsPanel, ref: str) -> list[str]:
    model = panel.tree_model
    for row in range(model.rowCount()):
        parent = model.item(row, 0)
        candidates = [(parent, row, None)] + [
            (parent.child(child, 0), child, parent) for child in range(parent.rowCount())
        ]
        for item, index, owner in candidates:
            if item.text() == ref:
                return [
                    (owner.child(index, c) if owner else model.item(index, c)).text()
                    for c in range(model.columnCount())
                ]
    raise AssertionError(f"no row {ref}")


def test_the_tab_shows_for_approved_estimates_and_hides_for_drafts(demo: MainWindow) -> None:
    editor, panel = _open(demo, "HLP-2026-0002")
    assert editor.tabs.isTabVisible(ACTUALS_TAB)
    editor.tabs.setCurrentIndex(ACTUALS_TAB)
    assert panel.report is not None
    assert "Revision 2 (approved) + change order 1" in panel.basis.text()
    # the figures of the tree are the service's, formatted
    line = panel.report.variance.line(panel.report.target("1.1").line_key or "")
    assert _tree_row(panel, "1.1")[2] == f"{line.figures.estimated_cost:,.2f}"
    assert _tree_row(panel, "1.1")[3] == f"{line.figures.actual_cost:,.2f}"
    assert panel.entries_model.rowCount() == len(
        _services(demo).actuals.entries(_estimate_id(demo, "HLP-2026-0002"))
    )

    editor, _panel = _open(demo, "HLP-2026-0014")  # a draft without actuals
    assert not editor.tabs.isTabVisible(ACTUALS_TAB)


def test_booking_a_cost_in_the_dialog_updates_the_variance_and_undoes(
    demo: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    editor, panel = _open(demo, "HLP-2026-0002")
    editor.tabs.setCurrentIndex(ACTUALS_TAB)
    before = _tree_row(panel, "3.1")
    assert before[3] == "0.00"

    def fill_and_book(dialog: ActualDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.form.fields["target"].read() == "3.1"  # the line selected in the tree
        cost = dialog.form.fields["cost"].widget
        assert isinstance(cost, QLineEdit)
        cost.setText("12x")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        assert dialog.draft is None  # refused, the error sits next to the field
        assert dialog.form.error_text("cost")
        cost.setText("1,760.50")
        hours = dialog.form.fields["hours"].widget
        assert isinstance(hours, QLineEdit)
        hours.setText("16.5")
        reference = dialog.form.fields["reference"].widget
        assert isinstance(reference, QLineEdit)
        reference.setText("TS-3101")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        assert dialog.draft is not None
        return 1

    monkeypatch.setattr(ActualDialog, "exec", fill_and_book)
    # select line 3.1 in the tree, as a user clicks it
    model = panel.tree_model
    section = next(
        model.item(r, 0) for r in range(model.rowCount()) if model.item(r, 0).text() == "3"
    )
    panel.tree.setCurrentIndex(section.child(0, 0).index())
    assert panel.book()

    after = _tree_row(panel, "3.1")
    assert after[3] == "1,760.50"
    assert after[4] == "+0.50"  # 1,760.50 against an estimate of 1,760.00
    assert after[7] == "16.5"
    entries = _services(demo).actuals.entries(_estimate_id(demo, "HLP-2026-0002"))
    assert [(e.ref, e.cost, e.hours, e.reference) for e in entries if e.reference == "TS-3101"] == [
        ("3.1", D("1760.50"), D("16.5"), "TS-3101")
    ]

    assert demo.session is not None
    demo.session.undo_stack.undo()
    assert _tree_row(panel, "3.1")[3] == "0.00"
    demo.session.undo_stack.redo()
    assert _tree_row(panel, "3.1")[3] == "1,760.50"


def test_importing_a_finance_file_books_the_reviewed_rows(demo: MainWindow, tmp_path: Path) -> None:
    editor, panel = _open(demo, "HLP-2026-0002")
    editor.tabs.setCurrentIndex(ACTUALS_TAB)
    services = _services(demo)
    estimate_id = _estimate_id(demo, "HLP-2026-0002")
    count = services.actuals.count(estimate_id)
    finance = tmp_path / "finance.csv"
    finance.write_text(
        "Job no,No.,Posting date,Hours,Amount,Document\n"
        "HLP-2026-0002,3.2,2026-11-20,8,880.00,TS-9001\n"
        "HLP-2026-0099,1.1,2026-11-20,8,880.00,TS-9002\n"
        "HLP-2026-0002,CO1-1.1,2026-11-21,,300,INV-77\n",
        encoding="utf-8",
    )
    assert panel.import_file(finance, confirm=False) == 2
    assert services.actuals.count(estimate_id) == count + 2
    assert _tree_row(panel, "CO1-1.1")[3] == "300.00"

    # the same file again: the review flags both rows and leaves them out
    plan = actuals_import.prepare_import(services, estimate_id, finance, "en_US")
    dialog = ActualsImportDialog(plan)
    assert plan.duplicates == 2 and dialog.skip_duplicates.isChecked()
    assert dialog.drafts() == []
    assert "1 row of other estimates" in dialog.summary.text()
    dialog.deleteLater()

    assert demo.session is not None
    demo.session.undo_stack.undo()
    assert services.actuals.count(estimate_id) == count
    assert _tree_row(panel, "CO1-1.1")[3] == "0.00"


def test_a_bad_file_is_refused_with_the_cell_and_nothing_is_booked(
    demo: MainWindow, tmp_path: Path
) -> None:
    editor, panel = _open(demo, "HLP-2026-0002")
    editor.tabs.setCurrentIndex(ACTUALS_TAB)
    estimate_id = _estimate_id(demo, "HLP-2026-0002")
    count = _services(demo).actuals.count(estimate_id)
    finance = tmp_path / "finance.csv"
    finance.write_text("No.,Date,Cost\n1.1,2026-11-20,12.345\n9.9,2026-11-20,5\n", "utf-8")
    assert panel.import_file(finance, confirm=False) == 0
    message = demo.errors[-1]  # type: ignore[attr-defined]
    assert "CSV!C2" in message and "CSV!A3" in message and "no line 9.9" in message
    assert _services(demo).actuals.count(estimate_id) == count


def test_deleting_booked_costs_and_undo(demo: MainWindow) -> None:
    editor, panel = _open(demo, "HLP-2026-0001")
    editor.tabs.setCurrentIndex(ACTUALS_TAB)
    services = _services(demo)
    estimate_id = _estimate_id(demo, "HLP-2026-0001")
    count = services.actuals.count(estimate_id)
    total = panel.report.variance.figures.actual_cost if panel.report else None
    selection = panel.entries.selectionModel()
    for row in (0, 1):
        selection.select(
            panel.entries_model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    removed = [panel.entries_model.record(row).cost for row in (0, 1)]
    assert panel.delete_selected() == 2
    assert services.actuals.count(estimate_id) == count - 2
    assert panel.report is not None and total is not None
    assert panel.report.variance.figures.actual_cost == total - sum(removed)
    assert demo.session is not None
    demo.session.undo_stack.undo()
    assert services.actuals.count(estimate_id) == count
    assert panel.entries_model.rowCount() == count


def test_the_panel_fits_a_small_window(demo: MainWindow) -> None:
    editor, panel = _open(demo, "HLP-2026-0002")
    editor.tabs.setCurrentIndex(ACTUALS_TAB)
    assert panel.minimumSizeHint().width() <= 600
    assert panel.tree.header().sectionSize(1) > 0
    assert panel.summary.text().startswith("USD: ")
    assert Qt.TextFormat.RichText == panel.summary.textFormat()


def test_a_project_shows_its_estimated_cost_against_the_booked_cost(
    demo: MainWindow, qtbot
) -> None:  # type: ignore[no-untyped-def]
    from keyplan.ui.views.projects_panel import ProjectsPanel

    assert demo.session is not None
    services = _services(demo)
    document = services.estimates.document(
        next(s.revision_id for s in services.estimates.summaries() if s.number == "HLP-2026-0002")
    )
    assert document.project_id is not None
    panel = ProjectsPanel(demo.session)
    qtbot.addWidget(panel)
    panel.show_account(document.account_id)
    row = panel.model.row_of(document.project_id)
    panel.table.setCurrentIndex(panel.model.index(row, 0))
    [variance] = services.actuals.project_variance(document.project_id)
    text = panel.form.fields["budget"].read()
    assert text.startswith("USD: ")
    assert f"{variance.figures.estimated_cost:,.2f} estimated" in text
    assert f"{variance.figures.actual_cost:,.2f} actual" in text
