"""Long work off the GUI thread: a job runs in a worker thread while a progress dialog
with Cancel shows; the window never freezes. Workers never touch widgets: the result
comes back to the GUI thread through a signal.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget


class _Job(QObject):
    finished = Signal(object, object)  # result, error

    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__()
        self._work = work

    def run(self) -> None:
        try:
            self.finished.emit(self._work(), None)
        except Exception as exc:  # handed to the GUI thread, which shows it
            self.finished.emit(None, exc)


class CancelledError(Exception):
    """The user pressed Cancel."""


def run_with_progress(
    parent: QWidget | None,
    label: str,
    work: Callable[[], Any],
    *,
    undo_if_cancelled: Callable[[Any], None] | None = None,
) -> Any:
    """Run ``work`` in a worker thread behind a progress dialog; return its result.

    Cancel returns at once and raises ``CancelledError``; when the work still finishes,
    ``undo_if_cancelled`` removes what it made (e.g. the file it wrote). An error
    raised by the work is raised here, in the GUI thread.
    """
    dialog = QProgressDialog(label, QCoreApplication.translate("workers", "Cancel"), 0, 0, parent)
    dialog.setWindowTitle(label)
    dialog.setMinimumDuration(300)  # quick jobs do not flash a dialog
    thread = QThread()
    job = _Job(work)
    job.moveToThread(thread)
    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def done(result: Any, error: Exception | None) -> None:
        if outcome.get("cancelled") and error is None and undo_if_cancelled is not None:
            undo_if_cancelled(result)
        outcome.update(result=result, error=error, done=True)
        thread.quit()
        loop.quit()

    def cancel() -> None:
        outcome["cancelled"] = True
        loop.quit()

    job.finished.connect(done)
    dialog.canceled.connect(cancel)
    thread.started.connect(job.run)
    thread.start()
    loop.exec()
    dialog.reset()
    if outcome.get("cancelled"):
        if not outcome.get("done"):  # let the thread end in the background, then clean up
            thread.finished.connect(thread.deleteLater)
            _keep_alive.append((thread, job))
        raise CancelledError
    thread.wait()
    if outcome["error"] is not None:
        raise outcome["error"]
    return outcome["result"]


_keep_alive: list[tuple[QThread, QObject]] = []  # cancelled jobs still finishing


def remove_file(path: Any) -> None:
    if isinstance(path, Path):
        path.unlink(missing_ok=True)
