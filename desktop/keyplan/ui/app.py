"""Start the desktop app: QApplication, fonts, translations, the main window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from keyplan import APP_NAME, ORGANISATION, __version__, resources
from keyplan.services import paths
from keyplan.ui.main_window import MainWindow
from keyplan.ui.settings import Settings

UI_FONT_FAMILIES = ["Noto Sans", "WenQuanYi Micro Hei"]


def register_fonts() -> list[str]:
    """Register the shipped fonts; Latin/Cyrillic first, CJK as fallback."""
    families: list[str] = []
    for font in resources.fonts():
        font_id = QFontDatabase.addApplicationFont(str(font))
        families.extend(QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else [])
    return families


def apply_ui_font(app: QApplication) -> None:
    font = QFont(app.font())
    font.setFamilies(UI_FONT_FAMILIES)
    app.setFont(font)


def install_translations(app: QApplication) -> None:
    locale = QLocale()
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
    ours = QTranslator(app)
    folder = resources.root() / "translations"
    if ours.load(locale, "keyplan", "_", str(folder)):
        app.installTranslator(ours)


def create_application(argv: list[str]) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(resources.path("icons", "keyplan.svg"))))
    register_fonts()
    apply_ui_font(app)
    install_translations(app)
    return app


def install_excepthook() -> None:
    """An unexpected error becomes a message and a log line, never a silent dead window.

    Typed user errors are handled where they happen; this is the last net for bugs
    and for a drive that vanished in the middle of a read.
    """
    previous = sys.excepthook

    def show(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        previous(kind, error, trace)  # the traceback still goes to stderr for support
        if QApplication.instance() is not None and not issubclass(kind, KeyboardInterrupt):
            QMessageBox.critical(
                None,
                APP_NAME,
                QCoreApplication.translate(
                    "app",
                    "Something went wrong: %1\n\nYour saved work is safe in the workspace file. "
                    "If this keeps happening, restart Keyplan.",
                ).replace("%1", str(error) or kind.__name__),
            )

    sys.excepthook = show


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="keyplan", description="Keyplan desktop app")
    parser.add_argument("workspace", nargs="?", type=Path, help="a .keyplan workspace to open")
    parser.add_argument(
        "--demo", action="store_true", help="open the demo workspace (created on first use)"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app = create_application(sys.argv[:1])
    install_excepthook()
    settings = Settings()
    window = MainWindow(settings, paths.demo_path())
    window.show()
    if args.demo:
        window.open_demo()
    elif args.workspace is not None:
        window.open_workspace(args.workspace)
    elif (last := settings.last_workspace) is not None and last.exists():
        window.open_workspace(last)
    return app.exec()
