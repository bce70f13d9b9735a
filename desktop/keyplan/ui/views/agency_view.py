"""Agency profile page: name, logo, brand colour and the defaults of new work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.accounts import PaperSize
from keyplan.domain.errors import ValidationError
from keyplan.domain.numbers import format_decimal, parse_decimal
from keyplan.ui.commands import SetLogoCommand, UpdateCommand
from keyplan.ui.locale import ui_locale
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.views.account_overview import currency_choices
from keyplan.ui.views.email_templates import EmailTemplatesBox
from keyplan.ui.widgets.form import Form
from keyplan.ui.widgets.headings import page_title

DECIMAL_FIELDS = ("default_tax_rate", "margin_floor_percent", "hours_per_day")


class AgencyView(QWidget):
    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        f = self.form = Form()
        f.add_line("name", self.tr("Agency name"))
        f.add_line("legal_name", self.tr("Legal name"))
        f.add_text("address", self.tr("Address"))
        f.add_line("tax_id", self.tr("Tax ID"))
        f.add_line("brand_colour", self.tr("Brand colour"), "#1F4E79")
        f.add_choice("default_currency", self.tr("Default currency"), currency_choices())
        f.add_line("default_tax_rate", self.tr("Default tax rate %"))
        f.add_choice("paper_size", self.tr("Paper size"), [(p.value, p.value) for p in PaperSize])
        f.add_line("margin_floor_percent", self.tr("Margin floor %"))
        f.add_line("estimate_number_pattern", self.tr("Estimate numbers"), "KP-{year}-{seq:04}")
        f.add_text("payment_terms", self.tr("Payment terms"))
        months = [(QLocale().monthName(m), m) for m in range(1, 13)]
        f.add_choice("fiscal_year_start_month", self.tr("Fiscal year starts"), months)
        f.add_line("hours_per_day", self.tr("Hours in a working day"), "8")
        f.commit.connect(self._commit)

        self.swatch = QPushButton(self.tr("Choose…"))
        self.swatch.setObjectName("choose_colour")
        self.swatch.clicked.connect(self._choose_colour)
        f.add_beside("brand_colour", self.swatch)

        self.logo = QLabel()
        self.logo.setObjectName("logo_preview")
        self.logo.setFixedSize(220, 80)
        self.logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo.setStyleSheet("border: 1px dashed palette(mid);")
        choose = QPushButton(self.tr("Choose logo…"))
        choose.clicked.connect(self._choose_logo)
        remove = QPushButton(self.tr("Remove logo"))
        remove.clicked.connect(
            lambda: self.session.run(
                SetLogoCommand(self.tr("Remove logo"), session.services.agency.set_logo, None)
            )
        )
        self.logo_error = QLabel()
        self.logo_error.setStyleSheet("color: #C62828;")
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo)
        logo_row.addWidget(choose)
        logo_row.addWidget(remove)
        logo_row.addStretch()
        logo_box = QWidget()
        logo_column = QVBoxLayout(logo_box)
        logo_column.setContentsMargins(0, 0, 0, 0)
        logo_column.addLayout(logo_row)
        logo_column.addWidget(self.logo_error)
        f.layout_.insertRow(1, self.tr("Logo"), logo_box)

        title = page_title(self.tr("Agency profile"))
        self.templates = EmailTemplatesBox(session)
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.addWidget(f)
        page_layout.addWidget(self.templates)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(scroll)
        session.changed.connect(self._changed)
        self.reload()

    def reload(self) -> None:
        profile = self.session.services.agency.get()
        values: dict[str, Any] = {name: getattr(profile, name) for name in self.form.fields}
        for name in DECIMAL_FIELDS:
            values[name] = format_decimal(values[name], ui_locale())
        self.form.set_values(values)
        logo = self.session.services.agency.logo()
        pixmap = QPixmap()
        if logo is not None:
            pixmap.loadFromData(logo[0])
        if pixmap.isNull():
            self.logo.setText(self.tr("No logo"))
        else:
            self.logo.setPixmap(
                pixmap.scaled(
                    self.logo.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        self.swatch.setStyleSheet(f"background: {profile.brand_colour}; color: white;")

    def _changed(self, kind: str) -> None:
        if kind in ("agency", "workspace"):
            self.reload()

    def _commit(self, name: str, value: Any) -> None:
        try:
            if name in DECIMAL_FIELDS:
                value = parse_decimal(str(value), ui_locale())
        except ValidationError as exc:
            self.form.show_error(name, exc.message)
            return
        error = self.session.run(
            UpdateCommand(
                self.tr("Edit agency profile"), "agency", self._update_profile, {name: value}
            ),
            inline=True,
        )
        if error:
            self.form.show_error(name, error)
        else:
            self.form.clear_error(name)

    def _update_profile(self, changes: dict[str, Any], exact: bool = False) -> Any:
        return self.session.services.agency.update(changes, exact=exact)

    def _choose_colour(self) -> None:
        current = QColor(self.session.services.agency.get().brand_colour)
        colour = QColorDialog.getColor(current, self, self.tr("Brand colour"))
        if colour.isValid():
            self._commit("brand_colour", colour.name())

    def _choose_logo(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose logo"), "", self.tr("Images (*.png *.jpg *.jpeg)")
        )
        if name:
            self.set_logo_file(Path(name))

    def set_logo_file(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.logo_error.setText(
                self.tr("Cannot read %1: %2")
                .replace("%1", str(path))
                .replace("%2", exc.strerror or "")
            )
            return
        error = self.session.run(
            SetLogoCommand(self.tr("Change logo"), self.session.services.agency.set_logo, data),
            inline=True,
        )
        self.logo_error.setText(error or "")
