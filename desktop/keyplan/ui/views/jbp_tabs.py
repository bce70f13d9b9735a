"""The JBP tab's pages for what the plan says: overview and sign-off, joint objectives,
targets and KPIs, joint investments and the activity calendar. Every edit saves at once and
is undoable; a refused value is shown next to its field or in its cell."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from keyplan.domain import jbp as rules
from keyplan.domain.errors import ValidationError
from keyplan.services.jbp import (
    ActivityDraft,
    InvestmentDraft,
    JbpRecord,
    MeasureDraft,
    ObjectiveDraft,
)
from keyplan.services.jbp_records import JbpInvestmentRecord, JbpMeasureRecord
from keyplan.ui.formatting import money_text
from keyplan.ui.models.record_table_model import Column, choice_column, date_column
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.views.contact_reports_panel import ReportForm
from keyplan.ui.views.jbp_widgets import (
    CalendarStrip,
    PartActions,
    PartsEditor,
    activity_kind_labels,
    activity_status_labels,
    cadence_labels,
    figure_text,
    funder_labels,
    hint,
    measure_kind_labels,
    metric_labels,
    number_parsers,
    objective_status_labels,
    percent_text,
    status_labels,
    update_command,
)


class OverviewTab(QScrollArea):
    """Title, status, cadence, vision, the sign-off (names and dates) and internal notes."""

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.jbp_id: int | None = None
        self.form = ReportForm()
        self.form.setObjectName("jbp_overview_form")
        form = self.form
        form.add_line("title", self.tr("Title"))
        form.add_choice("status", self.tr("Status"), [(t, k) for k, t in status_labels().items()])
        form.add_choice(
            "review_cadence",
            self.tr("Review cadence"),
            [(t, k) for k, t in cadence_labels().items()],
        )
        form.add_label("currency", self.tr("Currency"))
        form.add_text("vision", self.tr("Shared vision"))
        form.add_line("client_signatory", self.tr("Client signatory"))
        form.add_optional_date("client_signed_on", self.tr("Client signed on"), self.tr("not yet"))
        form.add_line("agency_signatory", self.tr("Agency signatory"))
        form.add_optional_date("agency_signed_on", self.tr("Agency signed on"), self.tr("not yet"))
        form.add_text(
            "internal_notes",
            self.tr("Internal notes"),
            self.tr("For the agency only: never in the workbook or the PDF"),
        )
        form.commit.connect(self._commit)
        form.check.connect(self._check)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addWidget(form)
        layout.addWidget(
            hint(
                self.tr(
                    "A signed, active or closed plan needs both signatures and dates. "
                    "Internal notes never leave the app."
                )
            )
        )
        layout.addStretch()
        self.setWidget(box)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)

    def show_plan(self, record: JbpRecord | None) -> None:
        if record is None:
            self.jbp_id = None
            return
        if record.id != self.jbp_id:
            self.form.reset()
        self.jbp_id = record.id
        self.form.set_values(
            {
                "title": record.title,
                "status": record.status,
                "review_cadence": record.review_cadence,
                "currency": record.currency,
                "vision": record.vision,
                "client_signatory": record.client_signatory,
                "client_signed_on": record.client_signed_on,
                "agency_signatory": record.agency_signatory,
                "agency_signed_on": record.agency_signed_on,
                "internal_notes": record.internal_notes,
            }
        )

    def _commit(self, name: str, value: Any) -> None:
        if self.jbp_id is None:
            return
        error = update_command(
            self.session,
            self.tr("Edit the JBP"),
            partial(self.session.services.jbp.update, self.jbp_id),
            {name: value},
        )
        if error:
            self.form.show_error(name, error)
        else:
            self.form.clear_error(name)

    def _check(self, name: str, value: Any) -> None:
        try:
            self.session.services.jbp.check(name, value)
        except ValidationError as exc:
            self.form.show_error(name, exc.message)
        else:
            self.form.clear_error(name)


class ObjectivesTab(PartsEditor):
    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        jbps = session.services.jbp
        statuses = objective_status_labels()
        columns = [
            Column("statement", self.tr("Joint objective"), editor="text"),
            Column("client_owner", self.tr("Client owner"), editor="text"),
            Column("agency_owner", self.tr("Agency owner"), editor="text"),
            choice_column("status", self.tr("Status"), statuses),
        ]
        actions = PartActions(
            kind="objective",
            add=lambda jbp_id, forced: jbps.add_objective(
                jbp_id, ObjectiveDraft(self.tr("New objective")), objective_id=forced
            ),
            update=jbps.update_objective,
            delete=jbps.delete_objective,
            restore=jbps.restore_rows,
            parse={},
        )
        super().__init__(
            session,
            "objective",
            columns,
            actions,
            add_text=self.tr("Add objective"),
            remove_text=self.tr("Remove"),
            first_column="statement",
            parent=parent,
        )

    def show_plan(self, record: JbpRecord | None) -> None:
        self.show_parts(record.id if record else None, record.objectives if record else ())


class MeasuresTab(PartsEditor):
    """Growth targets and scorecard KPIs: metric, unit, baseline, target, direction."""

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        jbps = session.services.jbp
        kinds, metrics = measure_kind_labels(), metric_labels()
        better = {True: self.tr("Higher"), False: self.tr("Lower")}

        def value(key: str) -> Any:
            return lambda m: figure_text(getattr(m, key), m.unit, m.is_money)

        columns = [
            Column("name", self.tr("Measure"), editor="text"),
            choice_column("kind", self.tr("Kind"), kinds),
            choice_column("metric", self.tr("Metric"), metrics),
            Column("unit", self.tr("Unit"), editor="text"),
            Column("baseline", self.tr("Baseline"), editor="number", display=value("baseline")),
            Column("target", self.tr("Target"), editor="number", display=value("target")),
            Column(
                "higher_is_better",
                self.tr("Better"),
                editor="choice",
                display=lambda m: better[m.higher_is_better],
                choices=lambda _m: [(better[True], True), (better[False], False)],
            ),
            Column("growth", self.tr("Growth"), display=self._growth),
        ]
        self._kind = rules.MeasureKind.TARGET.value
        actions = PartActions(
            kind="measure",
            add=lambda jbp_id, forced: jbps.add_measure(
                jbp_id,
                MeasureDraft(
                    self.tr("New KPI") if self._kind == "kpi" else self.tr("New target"),
                    kind=self._kind,
                ),
                measure_id=forced,
            ),
            update=jbps.update_measure,
            delete=jbps.delete_measure,
            restore=jbps.restore_rows,
            parse=number_parsers("baseline", "target"),
        )
        super().__init__(
            session,
            "measure",
            columns,
            actions,
            add_text=self.tr("Add growth target"),
            remove_text=self.tr("Remove"),
            first_column="name",
            parent=parent,
        )
        self.add_button.clicked.disconnect()
        self.add_button.clicked.connect(lambda: self.add_measure("target"))
        self.add_kpi_button = self._kpi_button()
        self.layout().addWidget(  # type: ignore[union-attr]
            hint(
                self.tr(
                    "Money measures (turnover, cash margin, media spend) are in a currency; "
                    "a % or a per-unit measure is carried into each QBP/MBP, the others are "
                    "split across them."
                )
            )
        )

    def _kpi_button(self) -> QPushButton:
        button = QPushButton(self.tr("Add KPI"))
        button.setObjectName("add_kpi")
        button.clicked.connect(lambda: self.add_measure("kpi"))
        self.buttons.insertWidget(1, button)
        return button

    def add_measure(self, kind: str) -> int | None:
        self._kind = kind
        return self.add()

    @staticmethod
    def _growth(measure: JbpMeasureRecord) -> str:
        growth = measure.growth
        if growth is None:
            return ""
        text = figure_text(growth, measure.unit, measure.is_money)
        if growth > 0:
            text = "+" + text
        if measure.growth_percent is not None:
            text += f" ({percent_text(measure.growth_percent)})"
        return text

    def show_plan(self, record: JbpRecord | None) -> None:
        self.show_parts(record.id if record else None, record.measures if record else ())
        self.add_kpi_button.setEnabled(record is not None)


class InvestmentsTab(PartsEditor):
    """Who funds what: amount and currency, funder, the client's share, period; totals."""

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        jbps = session.services.jbp
        funders = funder_labels()

        def money(key: str) -> Any:
            return lambda i: money_text(getattr(i, key), i.currency)

        columns = [
            Column("description", self.tr("Investment"), editor="text"),
            choice_column("funded_by", self.tr("Funded by"), funders),
            Column("client_share", self.tr("Client share"), editor="number", display=self._share),
            Column("amount", self.tr("Amount"), editor="number", display=money("amount")),
            Column("currency", self.tr("Currency"), editor="text"),
            date_column("starts_on", self.tr("From")),
            date_column("ends_on", self.tr("To")),
            Column("client_pays", self.tr("Client pays"), display=money("client_pays")),
            Column("agency_pays", self.tr("Agency pays"), display=money("agency_pays")),
        ]
        actions = PartActions(
            kind="investment",
            add=lambda jbp_id, forced: jbps.add_investment(
                jbp_id, InvestmentDraft(self.tr("New investment")), investment_id=forced
            ),
            update=jbps.update_investment,
            delete=jbps.delete_investment,
            restore=jbps.restore_rows,
            parse=number_parsers("client_share", "amount"),
        )
        super().__init__(
            session,
            "investment",
            columns,
            actions,
            add_text=self.tr("Add investment"),
            remove_text=self.tr("Remove"),
            first_column="description",
            parent=parent,
        )
        self.totals = QLabel()
        self.totals.setObjectName("funder_totals")
        self.totals.setWordWrap(True)
        self.layout().addWidget(self.totals)  # type: ignore[union-attr]

    @staticmethod
    def _share(investment: JbpInvestmentRecord) -> str:
        if investment.funded_by != rules.Funder.SHARED or investment.client_share is None:
            return ""
        return percent_text(investment.client_share)

    def show_plan(self, record: JbpRecord | None) -> None:
        self.show_parts(record.id if record else None, record.investments if record else ())
        if record is None or not record.funder_totals:
            self.totals.setText(self.tr("No investments yet."))
            return
        lines = []
        for totals in record.funder_totals:
            code = totals.currency
            lines.append(
                self.tr(
                    "<b>%1 %2 in all</b>: client-funded %3, agency-funded %4, shared %5. "
                    "The client pays %6, the agency %7."
                )
                .replace("%1", code)
                .replace("%2", money_text(totals.total, code))
                .replace("%3", money_text(totals.client_funded, code))
                .replace("%4", money_text(totals.agency_funded, code))
                .replace("%5", money_text(totals.shared, code))
                .replace("%6", money_text(totals.client_pays, code))
                .replace("%7", money_text(totals.agency_pays, code))
            )
        self.totals.setText("<br>".join(lines))


class CalendarTab(PartsEditor):
    """Campaigns, initiatives, milestones and reviews, and a month strip of them."""

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        jbps = session.services.jbp
        kinds, statuses = activity_kind_labels(), activity_status_labels()
        columns = [
            Column("name", self.tr("Activity"), editor="text"),
            choice_column("kind", self.tr("Kind"), kinds),
            date_column("starts_on", self.tr("Starts")),
            date_column("ends_on", self.tr("Ends")),
            Column("owner", self.tr("Owner"), editor="text"),
            choice_column("status", self.tr("Status"), statuses),
        ]
        self._year = date.today().year

        def first_day() -> date:
            today = date.today()
            return today if today.year == self._year else date(self._year, 1, 1)

        actions = PartActions(
            kind="activity",
            add=lambda jbp_id, forced: jbps.add_activity(
                jbp_id, ActivityDraft(self.tr("New activity"), first_day()), activity_id=forced
            ),
            update=jbps.update_activity,
            delete=jbps.delete_activity,
            restore=jbps.restore_rows,
            parse={},
        )
        super().__init__(
            session,
            "activity",
            columns,
            actions,
            add_text=self.tr("Add activity"),
            remove_text=self.tr("Remove"),
            first_column="name",
            parent=parent,
        )
        self.strip = CalendarStrip()
        self.layout().addWidget(self.strip)  # type: ignore[union-attr]

    def show_plan(self, record: JbpRecord | None) -> None:
        self.show_parts(record.id if record else None, record.activities if record else ())
        if record is not None:
            self._year = record.year
            self.strip.show_activities(record.year, record.activities)
        else:
            self.strip.show_activities(date.today().year, ())
