"""Export a document to PDF, or e-mail it: the steps every "Export PDF…" and "Email to
client…" button shares.

Exports go to the folder the user last chose (remembered in the user settings); a file is never
replaced silently: the save dialog asks, and an e-mailed copy gets a free name
(``report (2).pdf``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from keyplan import APP_NAME, ORGANISATION
from keyplan.domain.errors import DomainError
from keyplan.exports.email_draft import EmailDraftError
from keyplan.services import paths
from keyplan.services.exporting import ExportError
from keyplan.services.workspace import WorkspaceError
from keyplan.ui.dialogs.email_dialog import EmailDraftDialog, free_path, write_and_open
from keyplan.ui.operations import WorkspaceSession

Writer = Callable[[Path, bool], Path]  # (path, overwrite) -> the path written
FOLDER_KEY = "exports/folder"


def export_folder() -> Path:
    value = str(QSettings(ORGANISATION, APP_NAME).value(FOLDER_KEY, "") or "")
    folder = Path(value) if value else paths.default_folder()
    return folder if folder.is_dir() else Path.home()


def remember_folder(folder: Path) -> None:
    QSettings(ORGANISATION, APP_NAME).setValue(FOLDER_KEY, str(folder))


def _run(session: WorkspaceSession, step: Callable[[], Path]) -> Path | None:
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return step()
    except (ExportError, DomainError, WorkspaceError, EmailDraftError, OSError) as exc:
        session.error.emit(str(exc))
        return None
    finally:
        QGuiApplication.restoreOverrideCursor()


def export_file(
    parent: QWidget,
    session: WorkspaceSession,
    write: Writer,
    suggested: str,
    title: str,
    path: Path | None = None,
    *,
    suffix: str = ".pdf",
    replace: bool = False,
) -> Path | None:
    """Ask where (unless ``path``), then write a PDF (or, by ``suffix``, a workbook).

    The save dialog has asked about replacing the file chosen; a name typed without ``suffix``
    gets it, and then must not replace a file, since the dialog asked about another name.
    A ``path`` given by the caller is replaced only if ``replace``."""
    overwrite = replace
    if path is None:
        file_filter = {
            ".pdf": parent.tr("PDF documents (*.pdf)"),
            ".xlsx": parent.tr("Excel workbooks (*.xlsx)"),
        }[suffix]
        name, _ = QFileDialog.getSaveFileName(
            parent, title, str(export_folder() / suggested), file_filter
        )
        if not name:
            return None
        path = Path(name)
        overwrite = path.suffix.lower() == suffix  # the dialog asked before replacing it
        if not overwrite:
            path = path.with_name(path.name + suffix)
        remember_folder(path.parent)
    target = path
    return _run(session, lambda: write(target, overwrite))


def email_document(
    parent: QWidget,
    session: WorkspaceSession,
    kind: str,
    account_id: int,
    values: Mapping[str, str],
    write: Writer,
    suggested: str,
    *,
    chosen: Sequence[int] = (),
    confirm: bool = True,
) -> Path | None:
    """Write the document into the export folder, let the user address the draft, write the
    ``.eml`` beside it and open it in the mail program. Returns the draft's path."""
    document = _run(session, lambda: write(free_path(export_folder() / suggested), False))
    if document is None:
        return None
    dialog = EmailDraftDialog(
        session.services, kind, account_id, values, [document], chosen=chosen, parent=parent
    )
    if confirm:
        dialog.exec()
    else:
        dialog.accept()
    draft = dialog.draft
    if draft is None:  # cancelled: the copy made for the e-mail goes too
        document.unlink(missing_ok=True)
        return None
    return _run(
        session,
        lambda: write_and_open(session.services, draft, document.with_suffix(".eml")),
    )
