"""The action registry: every menu command declared once (text, shortcut, handler).

Menus are built from ``MENUS``; the main window only supplies the handlers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction, QKeySequence

Shortcut = QKeySequence.StandardKey | str


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    shortcuts: tuple[Shortcut, ...] = ()
    needs_workspace: bool = True
    role: QAction.MenuRole = QAction.MenuRole.NoRole


def _t(text: str) -> str:
    return QCoreApplication.translate("actions", text)


def action_specs() -> list[ActionSpec]:
    key = QKeySequence.StandardKey
    return [
        ActionSpec("new_workspace", _t("&New Workspace…"), (key.New,), needs_workspace=False),
        ActionSpec("open_workspace", _t("&Open Workspace…"), (key.Open,), needs_workspace=False),
        ActionSpec("open_demo", _t("Open &Demo Workspace"), needs_workspace=False),
        ActionSpec("save_copy", _t("Save a &Copy…"), (key.SaveAs, "Ctrl+Shift+S")),
        ActionSpec("export_estimate", _t("&Export Estimate to Excel…"), ("Ctrl+Shift+E",)),
        ActionSpec("close_workspace", _t("&Close Workspace"), (key.Close,)),
        ActionSpec(
            "quit",
            _t("&Quit"),
            (key.Quit, "Ctrl+Q"),
            needs_workspace=False,
            role=QAction.MenuRole.QuitRole,
        ),
        ActionSpec("new_account", _t("&New Account…"), ("Ctrl+Shift+N",)),
        ActionSpec("new_subaccount", _t("New &Subsidiary or Unit…")),
        ActionSpec("delete_account", _t("&Delete Account")),
        ActionSpec("new_estimate", _t("New &Estimate…"), ("Ctrl+E",)),
        ActionSpec("show_accounts", _t("&Accounts"), ("Ctrl+1",)),
        ActionSpec("show_estimates", _t("&Estimates"), ("Ctrl+2",)),
        ActionSpec("show_rate_cards", _t("&Rate Cards"), ("Ctrl+3",)),
        ActionSpec("show_team", _t("&Team"), ("Ctrl+4",)),
        ActionSpec("show_agency", _t("Agency &Profile"), ("Ctrl+5",)),
        ActionSpec("show_deleted", _t("&Deleted Items"), ("Ctrl+6",)),
        ActionSpec(
            "about", _t("&About Keyplan"), needs_workspace=False, role=QAction.MenuRole.AboutRole
        ),
    ]


MENUS: list[tuple[str, list[str]]] = [
    (
        "&File",
        [
            "new_workspace",
            "open_workspace",
            "@recent",
            "open_demo",
            "-",
            "save_copy",
            "export_estimate",
            "-",
            "close_workspace",
            "-",
            "quit",
        ],
    ),
    ("&Edit", ["@undo", "@redo"]),
    (
        "&View",
        [
            "show_accounts",
            "show_estimates",
            "show_rate_cards",
            "show_team",
            "show_agency",
            "show_deleted",
        ],
    ),
    ("&Account", ["new_account", "new_subaccount", "-", "new_estimate", "-", "delete_account"]),
    ("&Help", ["about"]),
]


def build_actions(parent: QObject, handlers: dict[str, Callable[[], object]]) -> dict[str, QAction]:
    actions: dict[str, QAction] = {}
    for spec in action_specs():
        action = QAction(spec.text, parent)
        action.setObjectName(spec.name)
        keys: list[QKeySequence] = []
        for shortcut in spec.shortcuts:
            keys.extend(
                QKeySequence.keyBindings(shortcut)
                if isinstance(shortcut, QKeySequence.StandardKey)
                else [QKeySequence(shortcut)]
            )
        unique = list(dict.fromkeys(k.toString() for k in keys if not k.isEmpty()))
        action.setShortcuts([QKeySequence(k) for k in unique])
        action.setMenuRole(spec.role)
        action.setProperty("needs_workspace", spec.needs_workspace)
        action.triggered.connect(handlers[spec.name])
        actions[spec.name] = action
    return actions
