"""Notes tab: dated notes and learnings, a list on the left and the note on the right."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from keyplan.services.records import NoteDraft, NoteRecord
from keyplan.ui.commands import CreateCommand, DeleteCommand, UpdateCommand
from keyplan.ui.labels import note_kind_labels
from keyplan.ui.models.record_table_model import Column, RecordTableModel
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.widgets.form import Form


class NotesPanel(QWidget):
    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.account_id: int | None = None
        self.current_id: int | None = None
        kinds = note_kind_labels()
        self.model = RecordTableModel(
            [
                Column("noted_on", self.tr("Date"), display=lambda r: r.noted_on.isoformat()),
                Column("kind", self.tr("Kind"), display=lambda r: kinds.get(r.kind, r.kind)),
                Column("title", self.tr("Title")),
            ],
            self,
        )
        self.list = QTableView()
        self.list.setObjectName("notes_list")
        self.list.setModel(self.model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.horizontalHeader().setStretchLastSection(True)
        self.list.verticalHeader().hide()
        self.list.selectionModel().currentRowChanged.connect(self._current_changed)

        self.form = Form()
        self.form.add_date("noted_on", self.tr("Date"))
        self.form.add_choice("kind", self.tr("Kind"), [(t, k) for k, t in kinds.items()])
        self.form.add_line("title", self.tr("Title"))
        body = self.form.add_text("body", self.tr("Text"))
        body.setMaximumHeight(16777215)
        self.form.commit.connect(self._commit)
        self.form.setEnabled(False)

        add = QPushButton(self.tr("Add note"))
        add.setObjectName("add_note")
        add.clicked.connect(self.add_note)
        delete = QPushButton(self.tr("Delete note"))
        delete.setObjectName("delete_note")
        delete.clicked.connect(self.delete_current)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(delete)
        buttons.addStretch()

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("notes_splitter")
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(self.form)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([460, 700])
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.splitter, 1)

    def show_account(self, account_id: int) -> None:
        if account_id != self.account_id:
            self.current_id = None
        self.account_id = account_id
        self.reload()

    def reload(self) -> None:
        if self.account_id is None:
            return
        notes = self.session.services.notes.for_account(self.account_id)
        self.model.set_records(notes)
        self.list.resizeColumnsToContents()
        row = self.model.row_of(self.current_id) if self.current_id else -1
        if row < 0 and notes:
            row = 0
        if row >= 0:
            self.list.selectRow(row)
            self._show(self.model.record(row))
        else:  # no note (left): an empty, disabled form, not the last one shown
            self.current_id = None
            self.form.reset()
            empty = {"noted_on": date.today(), "kind": "note", "title": "", "body": ""}
            self.form.set_values(empty)
            self.form.setEnabled(False)

    def _current_changed(self, current: Any, _previous: Any) -> None:
        if current.isValid():
            self._show(self.model.record(current.row()))

    def _show(self, note: NoteRecord) -> None:
        if note.id != self.current_id:
            self.form.reset()
        self.current_id = note.id
        self.form.setEnabled(True)
        self.form.set_values(
            {"noted_on": note.noted_on, "kind": note.kind, "title": note.title, "body": note.body}
        )

    def _commit(self, name: str, value: Any) -> None:
        if self.current_id is None:
            return
        command = UpdateCommand(
            self.tr("Edit note"),
            "note",
            partial(self.session.services.notes.update, self.current_id),
            {name: value},
        )
        error = self.session.run(command, inline=True)
        if error:
            self.form.show_error(name, error)
        else:
            self.form.clear_error(name)

    def add_note(self) -> None:
        if self.account_id is None:
            return
        account_id = self.account_id
        notes = self.session.services.notes
        draft = NoteDraft(title=self.tr("New note"), noted_on=date.today())
        command = CreateCommand(
            self.tr("Add note"),
            "note",
            lambda forced_id: notes.create(account_id, draft, note_id=forced_id),
            notes.purge,
        )
        if self.session.run(command) is None:
            self.current_id = command.entity_id
            self.reload()
            title = self.form.fields["title"].widget
            title.setFocus()
            title.selectAll()  # type: ignore[attr-defined]

    def delete_current(self) -> None:
        if self.current_id is None:
            return
        notes = self.session.services.notes
        note_id = self.current_id
        self.session.run(
            DeleteCommand(
                self.tr("Delete note"), "note", partial(notes.delete, note_id), notes.restore
            )
        )
