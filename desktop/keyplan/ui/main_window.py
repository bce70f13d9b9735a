"""The main window: layout, menus and wiring. Each page lives in its own module."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from keyplan import APP_NAME, __version__, resources
from keyplan.services import paths
from keyplan.services.demo import create_demo_workspace
from keyplan.services.workspace import WORKSPACE_SUFFIX, WorkspaceError, WorkspaceServices
from keyplan.ui.actions import MENUS, build_actions
from keyplan.ui.commands import CreateCommand, DeleteCommand
from keyplan.ui.dialogs.new_account_dialog import NewAccountDialog
from keyplan.ui.labels import count_text
from keyplan.ui.models.account_tree_model import ACCOUNT_ID_ROLE, AccountTreeModel
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.settings import Settings
from keyplan.ui.views.account_view import AccountView
from keyplan.ui.views.accounts_view import AccountsView
from keyplan.ui.views.agency_view import AgencyView
from keyplan.ui.views.contact_reports_panel import local_zone
from keyplan.ui.views.deleted_view import DeletedView
from keyplan.ui.views.estimate_editor import EstimateEditor
from keyplan.ui.views.estimates_view import EstimatesView
from keyplan.ui.views.exchange_rates_view import ExchangeRatesView
from keyplan.ui.views.pipeline_view import PipelineView
from keyplan.ui.views.portfolio_view import RATES_PAGE, PortfolioView
from keyplan.ui.views.rate_cards_view import RateCardsView
from keyplan.ui.views.team_view import TeamView
from keyplan.ui.views.welcome_view import WelcomeView

FILE_FILTER = "Keyplan workspace (*.keyplan)"


def _home_relative(path: Path) -> str:
    """'~/Documents/Clients.keyplan' rather than the full home folder path."""
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        return str(path)


PAGES = (
    "portfolio",
    "accounts",
    "pipeline",
    "estimates",
    "rate_cards",
    "exchange_rates",
    "team",
    "agency",
    "deleted",
)


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings, demo_path: Path) -> None:
        super().__init__()
        self.settings = settings
        self.demo_path = demo_path
        self.session: WorkspaceSession | None = None
        self.pages: dict[str, QWidget] = {}
        self.account_view: AccountView | None = None
        self.estimate_editor: EstimateEditor | None = None
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(QIcon(str(resources.path("icons", "keyplan.svg"))))

        # left: navigation and the account tree
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        for text in (
            self.tr("Portfolio"),
            self.tr("Accounts"),
            self.tr("Pipeline"),
            self.tr("Estimates"),
            self.tr("Rate cards"),
            self.tr("Exchange rates"),
            self.tr("Team"),
            self.tr("Agency profile"),
            self.tr("Deleted items"),
        ):
            self.nav.addItem(text)
        self.nav.setFixedHeight(self.nav.sizeHintForRow(0) * self.nav.count() + 8)
        self.nav.currentRowChanged.connect(
            lambda row: self.show_page(PAGES[row]) if row >= 0 else None
        )
        self.tree_model = AccountTreeModel(self)
        self.tree_proxy = QSortFilterProxyModel(self)
        self.tree_proxy.setSourceModel(self.tree_model)
        self.tree_proxy.setRecursiveFilteringEnabled(True)
        self.tree_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tree_proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tree = QTreeView()
        self.tree.setObjectName("account_tree")
        self.tree.setModel(self.tree_proxy)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._tree_menu)
        self.tree.selectionModel().currentChanged.connect(self._tree_current_changed)
        self.tree_filter = QLineEdit()
        self.tree_filter.setObjectName("tree_filter")
        self.tree_filter.setPlaceholderText(self.tr("Find account…"))
        self.tree_filter.setClearButtonEnabled(True)
        # filter once typing pauses: on thousands of accounts each filter pass takes a while
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(180)
        self._filter_timer.timeout.connect(lambda: self.apply_tree_filter(self.tree_filter.text()))
        self.tree_filter.textChanged.connect(lambda _t: self._filter_timer.start())
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 4, 0, 4)
        left_layout.addWidget(self.nav)
        left_layout.addWidget(self.tree_filter)
        left_layout.addWidget(self.tree)
        self.left = left

        # centre: the current page
        self.stack = QStackedWidget()
        self.welcome = WelcomeView()
        self.welcome.create_requested.connect(self.new_workspace)
        self.welcome.open_requested.connect(self.open_workspace_dialog)
        self.welcome.demo_requested.connect(self.open_demo)
        self.welcome.recent_requested.connect(self.open_workspace)
        self.stack.addWidget(self.welcome)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([340, 1000])
        self.setCentralWidget(self.splitter)

        self.reports_label = QLabel()
        self.reports_label.setObjectName("reports_status")
        self.reports_label.setToolTip(
            self.tr("Contact reports are due 24 hours after the meeting (Accounts page)")
        )
        self.statusBar().addPermanentWidget(self.reports_label)
        self.workspace_label = QLabel()
        self.workspace_label.setObjectName("workspace_label")
        self.statusBar().addPermanentWidget(self.workspace_label)
        # reports turn due and overdue with the clock, not only with edits
        self.reports_timer = QTimer(self)
        self.reports_timer.setInterval(60_000)
        self.reports_timer.timeout.connect(self.update_reports_status)
        self.reports_timer.start()

        self.actions_ = build_actions(
            self,
            {
                "new_workspace": self.new_workspace,
                "open_workspace": self.open_workspace_dialog,
                "open_demo": self.open_demo,
                "save_copy": self.save_copy,
                "close_workspace": self.close_workspace,
                "quit": self.close,
                "new_account": self.new_account,
                "new_subaccount": lambda: self.new_account(self.current_account_id()),
                "delete_account": self.delete_account,
                "show_accounts": partial(self.show_page, "accounts"),
                "show_estimates": partial(self.show_page, "estimates"),
                "show_rate_cards": partial(self.show_page, "rate_cards"),
                "new_estimate": self.new_estimate,
                "export_estimate": self.export_estimate,
                "show_team": partial(self.show_page, "team"),
                "show_agency": partial(self.show_page, "agency"),
                "show_deleted": partial(self.show_page, "deleted"),
                "about": self.about,
            },
        )
        self._build_menus()
        self.stack.currentChanged.connect(lambda _index: self._update_account_actions())
        self._restore_layout()
        self._set_session(None)

    # -- menus ---------------------------------------------------------------------------

    def _build_menus(self) -> None:
        self.recent_menu: QMenu | None = None
        for title, names in MENUS:
            menu = self.menuBar().addMenu(self.tr(title))
            for name in names:
                if name == "-":
                    menu.addSeparator()
                elif name == "@recent":
                    self.recent_menu = menu.addMenu(self.tr("Open &Recent"))
                    self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
                elif name == "@undo":
                    self.undo_menu_slot = menu
                elif name == "@redo":
                    pass
                else:
                    menu.addAction(self.actions_[name])
        self.edit_menu: QMenu = self.undo_menu_slot

    def _fill_recent_menu(self) -> None:
        assert self.recent_menu is not None
        self.recent_menu.clear()
        paths = self.settings.recent_workspaces
        for path in paths:
            action = self.recent_menu.addAction(f"{path.stem}  —  {path}")
            action.triggered.connect(partial(self.open_workspace, path))
        if paths:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(self.tr("Clear list"), self.settings.clear_recent_workspaces)
        else:
            self.recent_menu.addAction(self.tr("(none)")).setEnabled(False)

    def _install_undo_actions(self) -> None:
        self.edit_menu.clear()
        if self.session is None:
            for text in (self.tr("&Undo"), self.tr("&Redo")):
                self.edit_menu.addAction(text).setEnabled(False)
            return
        stack = self.session.undo_stack
        undo = stack.createUndoAction(self, self.tr("&Undo"))
        undo.setObjectName("undo")
        undo.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Undo))
        redo = stack.createRedoAction(self, self.tr("&Redo"))
        redo.setObjectName("redo")
        keys = {k.toString(): k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)}
        keys.setdefault("Ctrl+Shift+Z", QKeySequence("Ctrl+Shift+Z"))
        redo.setShortcuts(list(keys.values()))
        self.edit_menu.addAction(undo)
        self.edit_menu.addAction(redo)

    # -- workspace lifecycle -------------------------------------------------------------

    def _set_session(self, session: WorkspaceSession | None) -> None:
        for page in [*self.pages.values(), self.account_view, self.estimate_editor]:
            if page is not None:
                self.stack.removeWidget(page)
                page.deleteLater()
        self.pages.clear()
        self.account_view = None
        self.estimate_editor = None
        self.session = session
        for action in self.actions_.values():
            if action.property("needs_workspace"):
                action.setEnabled(session is not None)
        self._install_undo_actions()
        self._update_account_actions()
        self.left.setVisible(session is not None)
        if session is None:
            self.tree_model.set_accounts([])
            self.welcome.set_recent(self.settings.recent_workspaces)
            self.stack.setCurrentWidget(self.welcome)
            self.workspace_label.setText(self.tr("No workspace open"))
            self.update_reports_status()
            self.setWindowTitle(APP_NAME)
            return
        session.error.connect(self.show_error)
        session.changed.connect(self._changed)
        accounts = AccountsView(session)
        accounts.open_account.connect(self.show_account)
        estimates = EstimatesView(session)
        estimates.open_estimate.connect(self.show_estimate)
        pipeline = PipelineView(session)
        pipeline.open_opportunity.connect(self.show_opportunity)
        portfolio = PortfolioView(session)
        portfolio.open_account.connect(self.show_account)
        portfolio.open_page.connect(self.show_page)
        self.pages = {
            "portfolio": portfolio,
            "accounts": accounts,
            "pipeline": pipeline,
            "estimates": estimates,
            "rate_cards": RateCardsView(session),
            "exchange_rates": ExchangeRatesView(session),
            "team": TeamView(session),
            "agency": AgencyView(session),
            "deleted": DeletedView(session),
        }
        for page in self.pages.values():
            self.stack.addWidget(page)
        portfolio.rates_page_available = RATES_PAGE in self.pages
        self.account_view = AccountView(session)
        self.account_view.account_gone.connect(lambda: self.show_page("accounts"))
        self.account_view.open_estimate.connect(self.show_estimate)
        self.stack.addWidget(self.account_view)
        self.estimate_editor = EstimateEditor(session)
        self.stack.addWidget(self.estimate_editor)
        path = session.services.path
        self.workspace_label.setText(f"{path.stem}  —  {_home_relative(path)}")
        self.setWindowTitle(f"{path.stem} — {APP_NAME}")
        self._reload_tree()
        self._restore_splitters()
        self.update_reports_status()
        self.show_page("accounts")

    def open_workspace(self, path: Path) -> bool:
        """Open ``path``; on failure say why and keep the current workspace."""
        if self.session is not None and self.session.services.path == Path(path).resolve():
            return True  # it is open here already: nothing to do
        try:
            services = WorkspaceServices.open(path, backup_dir=paths.backup_dir())
        except WorkspaceError as exc:
            self.show_error(str(exc))
            if not Path(path).exists():
                self.settings.remove_recent_workspace(Path(path))
                self.welcome.set_recent(self.settings.recent_workspaces)
            return False
        self._adopt(services)
        if services.migrated_from:
            self.statusBar().showMessage(
                self.tr("Workspace upgraded; a backup of the old file is at %1").replace(
                    "%1", str(services.backup_path)
                ),
                15000,
            )
        return True

    def _adopt(self, services: WorkspaceServices) -> None:
        self.close_workspace()
        self._set_session(WorkspaceSession(services, self))
        self.settings.add_recent_workspace(services.path)
        self.settings.last_workspace = services.path

    def open_workspace_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open workspace"),
            str(paths.default_folder()),
            self.tr(FILE_FILTER),
        )
        if name:
            self.open_workspace(Path(name))

    def new_workspace(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Create workspace"),
            str(paths.default_folder() / f"My accounts{WORKSPACE_SUFFIX}"),
            self.tr(FILE_FILTER),
        )
        if name:
            self.create_workspace(Path(name))

    def create_workspace(self, path: Path) -> bool:
        if path.suffix != WORKSPACE_SUFFIX:
            path = path.with_name(path.name + WORKSPACE_SUFFIX)
        if path.exists():  # the save dialog asked "replace?": never destroy a workspace
            self.show_error(
                self.tr("%1 already exists; choose another name.").replace("%1", str(path))
            )
            return False
        try:
            services = WorkspaceServices.create(path)
        except WorkspaceError as exc:
            self.show_error(str(exc))
            return False
        self._adopt(services)
        return True

    def open_demo(self) -> bool:
        try:
            if not self.demo_path.exists():
                self.demo_path.parent.mkdir(parents=True, exist_ok=True)
                create_demo_workspace(self.demo_path).close()
            path = self.demo_path
        except WorkspaceError as exc:
            self.show_error(str(exc))
            return False
        return self.open_workspace(path)

    def save_copy(self) -> None:
        if self.session is None:
            return
        source = self.session.services.path
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save a copy"),
            str(source.with_name(f"{source.stem} copy{WORKSPACE_SUFFIX}")),
            self.tr(FILE_FILTER),
        )
        if name:
            target = self.session.call(self.session.services.save_copy, Path(name))
            if target is not None:
                self.statusBar().showMessage(
                    self.tr("Copy saved to %1").replace("%1", str(target)), 8000
                )

    def close_workspace(self) -> None:
        if self.session is None:
            return
        focused = QApplication.focusWidget()
        if focused is not None:  # a field still being typed in saves on focus-out: now
            focused.clearFocus()
        self._save_layout()
        session = self.session
        self._set_session(None)
        session.close()
        session.deleteLater()

    # -- pages and accounts --------------------------------------------------------------

    def _update_account_actions(self) -> None:
        shown = self.current_account_id() is not None
        self.actions_["new_subaccount"].setEnabled(shown)
        self.actions_["delete_account"].setEnabled(shown)
        editing = self.estimate_editor is not None and (
            self.stack.currentWidget() is self.estimate_editor
        )
        self.actions_["export_estimate"].setEnabled(editing)

    def export_estimate(self) -> None:
        """File > Export: the estimate shown in the editor, as a workbook."""
        if self.estimate_editor is not None and self.stack.currentWidget() is self.estimate_editor:
            self.estimate_editor.export_excel()

    def show_page(self, name: str) -> None:
        page = self.pages.get(name)
        if page is None:
            return
        self.stack.setCurrentWidget(page)
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(PAGES.index(name))
        self.nav.blockSignals(False)
        self.tree.selectionModel().clearSelection()
        self.tree.setCurrentIndex(QModelIndex())

    def show_account(self, account_id: int) -> None:
        if self.account_view is None or not self.account_view.show_account(account_id):
            return
        self.stack.setCurrentWidget(self.account_view)
        self.nav.blockSignals(True)  # an account page belongs to the Accounts section
        self.nav.setCurrentRow(PAGES.index("accounts"))
        self.nav.blockSignals(False)
        index = self.tree_proxy.mapFromSource(self.tree_model.index_of(account_id))
        if index.isValid() and self.tree.currentIndex() != index:
            self.tree.selectionModel().blockSignals(True)
            self.tree.setCurrentIndex(index)
            self.tree.selectionModel().blockSignals(False)

    def show_opportunity(self, account_id: int, opportunity_id: int) -> bool:
        """Open the account's Opportunities tab with the opportunity in its editor."""
        self.show_account(account_id)
        view = self.account_view
        if view is None or view.account is None or view.account.id != account_id:
            return False
        view.tabs.setCurrentWidget(view.opportunities)
        return view.opportunities.select_opportunity(opportunity_id)

    def show_estimate(self, revision_id: int) -> bool:
        """Open an estimate revision in the editor (the Estimates section stays selected)."""
        if self.estimate_editor is None or not self.estimate_editor.show_revision(revision_id):
            return False
        self.stack.setCurrentWidget(self.estimate_editor)
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(PAGES.index("estimates"))
        self.nav.blockSignals(False)
        return True

    def new_estimate(self) -> None:
        """New estimate, for the account shown if there is one."""
        shown = self.account_view is not None and self.current_account_id() is not None
        page = self.account_view.estimates if shown and self.account_view else None
        page = page or self.pages.get("estimates")
        if isinstance(page, EstimatesView):
            page.new_estimate()

    def current_account_id(self) -> int | None:
        if self.account_view is not None and self.stack.currentWidget() is self.account_view:
            return self.account_view.account.id if self.account_view.account else None
        return None

    def _tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        account_id = current.data(ACCOUNT_ID_ROLE) if current.isValid() else None
        if account_id is not None:
            self.show_account(account_id)

    def apply_tree_filter(self, text: str) -> None:
        """Show the accounts whose name matches, with the groups they belong to."""
        self.tree_proxy.setFilterFixedString(text)
        self.tree.expandAll()

    def _reload_tree(self) -> None:
        if self.session is None:
            return
        current = self.current_account_id()
        scrolled = self.tree.verticalScrollBar().value()
        self.tree_model.set_accounts(self.session.services.accounts.all())
        self.tree.expandAll()
        self.tree.verticalScrollBar().setValue(scrolled)
        if current is not None:
            index = self.tree_proxy.mapFromSource(self.tree_model.index_of(current))
            self.tree.selectionModel().blockSignals(True)
            self.tree.setCurrentIndex(index)
            self.tree.selectionModel().blockSignals(False)

    def _changed(self, kind: str) -> None:
        if kind in ("account", "team", "workspace"):
            self._reload_tree()
        if kind in ("account", "contact_report", "workspace"):
            self.update_reports_status()

    def update_reports_status(self, now: datetime | None = None) -> None:
        """'1 contact report overdue · 2 due today' in the status bar; hidden when none."""
        if self.session is None:
            self.reports_label.hide()
            return
        try:
            counts = self.session.services.contact_reports.due_counts(
                now=now, local_zone=local_zone()
            )
        except WorkspaceError:
            return
        parts = []
        if counts.overdue:
            parts.append(
                count_text(counts.overdue, "1 contact report overdue", "%n contact reports overdue")
            )
        if counts.due_today:
            parts.append(
                count_text(counts.due_today, "1 contact report due today", "%n due today")
                if not parts
                else count_text(counts.due_today, "1 due today", "%n due today")
            )
        self.reports_label.setText("  ·  ".join(parts))
        colour = "#C62828" if counts.overdue else "#B26A00"
        self.reports_label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.reports_label.setVisible(bool(parts))
        if self.pages.get("accounts") is not None and now is None:
            accounts = self.pages["accounts"]
            if isinstance(accounts, AccountsView):
                accounts.reload_owed()

    def _tree_menu(self, position: object) -> None:
        index = self.tree.indexAt(position)  # type: ignore[arg-type]
        menu = QMenu(self)
        if index.isValid():
            self.show_account(index.data(ACCOUNT_ID_ROLE))
            menu.addAction(self.actions_["new_subaccount"])
            menu.addAction(self.actions_["delete_account"])
        else:
            menu.addAction(self.actions_["new_account"])
        menu.exec(self.tree.viewport().mapToGlobal(position))  # type: ignore[arg-type]

    def new_account(self, parent_id: int | None = None) -> int | None:
        """Ask for a new account's essentials, create it and open it."""
        if self.session is None:
            return None
        dialog = NewAccountDialog(self.session.services, parent_id, self)
        if dialog.exec() != NewAccountDialog.DialogCode.Accepted:
            return None
        return self.create_account_from(dialog)

    def create_account_from(self, dialog: NewAccountDialog) -> int | None:
        assert self.session is not None
        draft = dialog.draft()
        accounts = self.session.services.accounts
        command = CreateCommand(
            self.tr("New account %1").replace("%1", draft.name),
            "account",
            lambda forced_id: accounts.create(draft, account_id=forced_id),
            accounts.purge,
        )
        if self.session.run(command) is not None or command.entity_id is None:
            return None
        self.show_account(command.entity_id)
        return command.entity_id

    def delete_account(self) -> None:
        account_id = self.current_account_id()
        if self.session is None or account_id is None:
            return
        accounts = self.session.services.accounts
        account = accounts.get(account_id)
        self.session.run(
            DeleteCommand(
                self.tr("Delete account %1").replace("%1", account.name),
                "account",
                partial(accounts.delete, account_id),
                accounts.restore,
            )
        )
        self.statusBar().showMessage(
            self.tr("Deleted %1. Undo with Ctrl+Z or restore it from Deleted items.").replace(
                "%1", account.name
            ),
            10000,
        )

    # -- messages, layout, closing -------------------------------------------------------

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, APP_NAME, message)

    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Keyplan"),
            self.tr(
                "<b>Keyplan %1</b><p>Account plans, contacts and estimates for account "
                "directors, offline.</p>"
            ).replace("%1", __version__),
        )

    def _restore_splitters(self) -> None:
        """Every named splitter of the pages keeps the sizes the user drags it to."""
        for splitter in self.findChildren(QSplitter):
            name = splitter.objectName()
            if not name or splitter is self.splitter:
                continue
            if state := self.settings.splitter_state(name):
                splitter.restoreState(state)
            splitter.splitterMoved.connect(partial(self._remember_splitter, splitter))

    def _remember_splitter(self, splitter: QSplitter, *_moved: object) -> None:
        self.settings.set_splitter_state(splitter.objectName(), splitter.saveState())

    def _restore_layout(self) -> None:
        if geometry := self.settings.window_geometry:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        if state := self.settings.window_state:
            self.restoreState(state)
        if splitter := self.settings.splitter_state("main"):
            self.splitter.restoreState(splitter)

    def _save_layout(self) -> None:
        self.settings.window_geometry = self.saveGeometry()
        self.settings.window_state = self.saveState()
        if self.left.isVisible():  # the welcome page hides it: keep the sizes the user chose
            self.settings.set_splitter_state("main", self.splitter.saveState())

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_layout()
        last = self.session.services.path if self.session else None
        self.close_workspace()
        self.settings.last_workspace = last
        self.settings.sync()
        event.accept()
