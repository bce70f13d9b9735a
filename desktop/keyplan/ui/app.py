"""Start the desktop app: QApplication, fonts, translations, the main window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

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
