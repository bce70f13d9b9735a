"""Account plans: their vocabularies, the risk score, KPI progress, the completeness score and
the templates plans start from. Pure rules, no storage and no screen.

Completeness
------------
:func:`completeness` scores a plan from 0 to 100 by what its sections hold (:class:`PlanFacts`).
Each section has a weight (:data:`COMPLETENESS_WEIGHTS`, summing to 100) and earns a share of
it:

===================  ======  ==========================================================
section              weight  earns its weight when
===================  ======  ==========================================================
situation                10  the situation is written
vision                    5  the vision is written
strategies               10  the strategies are written
revenue target            5  a revenue target is set
SWOT                     15  a quarter for each quadrant with at least one item
objectives               15  there is at least one objective
KPIs                     10  there are KPIs, in proportion to those with a target
actions                  10  there are actions, in proportion to those with owner and due
whitespace               10  rows and columns exist and at least one cell has a status
risks                     5  there are risks, in proportion to those with a mitigation
relationship goals        5  at least one contact has a goal
===================  ======  ==========================================================

The score is the sum of what the sections earned, rounded half up; every section that did not
earn its full weight is listed in :attr:`Completeness.missing` with a sentence saying what to
add. Reviews and snapshots are history, not content: they do not count.

Templates
---------
A template (:class:`TemplateContent`) holds what a new plan starts with: prompts for the
text sections and the SWOT quadrants (shown while they are empty), starting text, SWOT items,
objectives with their KPIs, actions, the whitespace rows (the agency's services) and columns
(the client's business units or markets) and standard risks. Templates are stored as JSON
(:func:`template_to_json`, :func:`template_from_json`); a malformed one is refused with a
:class:`TemplateError` naming the place (``objectives[2].kpis[0].target``) and the problem.
:data:`BUILTIN_TEMPLATES` are the ones that ship with the app.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from keyplan.domain.accounts import clean_line, clean_name, clean_text
from keyplan.domain.errors import ValidationError
from keyplan.domain.periods import parse_period

__all__ = [
    "BUILTIN_TEMPLATES",
    "COMPLETENESS_WEIGHTS",
    "CURRENCY_UNIT",
    "KPI_MAX_DIGITS",
    "PROMPT_KEYS",
    "TEMPLATE_FORMAT",
    "ActionStatus",
    "Completeness",
    "CompletenessPart",
    "ObjectiveStatus",
    "PlanFacts",
    "PlanStatus",
    "RiskBand",
    "RiskStatus",
    "SwotQuadrant",
    "TemplateContent",
    "TemplateError",
    "TemplateKpi",
    "TemplateObjective",
    "TemplateRisk",
    "WhitespaceAxis",
    "WhitespaceStatus",
    "builtin_template",
    "clean_kpi_number",
    "clean_kpi_period",
    "clean_year",
    "completeness",
    "kpi_progress",
    "risk_band",
    "risk_score",
    "template_from_json",
    "template_to_json",
]


class PlanStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class ObjectiveStatus(StrEnum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class SwotQuadrant(StrEnum):
    STRENGTH = "strength"
    WEAKNESS = "weakness"
    OPPORTUNITY = "opportunity"
    THREAT = "threat"


class WhitespaceAxis(StrEnum):
    SERVICE = "service"  # a row: what the agency sells
    SEGMENT = "segment"  # a column: a business unit, brand or market of the client


class WhitespaceStatus(StrEnum):
    ACTIVE = "active"  # the agency does this for that part of the client today
    OPPORTUNITY = "opportunity"  # it could: the cross-sell map
    NOT_A_FIT = "not_a_fit"
    UNKNOWN = "unknown"


class RiskStatus(StrEnum):
    OPEN = "open"
    MITIGATING = "mitigating"
    CLOSED = "closed"


class RiskBand(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


# -- risks -------------------------------------------------------------------------------------


def risk_score(likelihood: int, impact: int) -> int:
    """Likelihood x impact, each 1 to 5: 1 (rare, negligible) to 25 (almost certain, severe)."""
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise ValidationError(name, "Choose a value from 1 to 5.")
    return likelihood * impact


def risk_band(score: int) -> RiskBand:
    """The usual 5 x 5 matrix bands: 1-4 low, 5-9 medium, 10-16 high, 20-25 critical."""
    if score <= 4:
        return RiskBand.LOW
    if score <= 9:
        return RiskBand.MEDIUM
    if score <= 16:
        return RiskBand.HIGH
    return RiskBand.CRITICAL


# -- KPIs --------------------------------------------------------------------------------------

KPI_MAX_DIGITS = 15
"""Digits a KPI figure may have before its decimal point (as amounts: 999 trillion)."""
_KPI_MAX_DECIMALS = 6
_YEAR = re.compile(r"^\d{4}$")


def clean_year(value: Any, field: str = "year") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2200:
        raise ValidationError(field, "Choose a year from 1990 to 2200.")
    return value


def clean_kpi_number(value: Any, field: str) -> Decimal | None:
    """A KPI's baseline, target or actual: exact (Decimal, int or plain text such as
    "12.5"), finite, at most 15 digits before the point and 6 after; None or "" is not set."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float | bool):
        raise ValidationError(field, "Enter a number such as 12.5 (exact, not a float).")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(field, f"'{value}' is not a number: write it like 1250.5.") from None
    if not number.is_finite():
        raise ValidationError(field, f"'{value}' is not a number: write it like 1250.5.")
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -_KPI_MAX_DECIMALS:
        raise ValidationError(field, f"Use at most {_KPI_MAX_DECIMALS} decimals.")
    if abs(number) >= Decimal(10) ** KPI_MAX_DIGITS:
        raise ValidationError(field, "The number is too large.")
    return abs(number) if number.is_zero() else number  # no "-0"


def clean_kpi_period(value: Any, field: str = "period") -> str:
    """The period a KPI is measured over: "" (the plan's year), a year ("2026"), a quarter
    ("2026-Q3"), a month ("2026-09") or an ISO week ("2026-W38")."""
    text = str(value or "").strip().upper()
    if not text:
        return ""
    if _YEAR.match(text):
        clean_year(int(text), field)
        return text
    try:
        return parse_period(text).code
    except ValidationError as exc:
        raise ValidationError(
            field,
            f"'{str(value).strip()}' is not a period: write 2026, 2026-Q3, 2026-09 or 2026-W38.",
        ) from exc


def kpi_progress(
    baseline: Decimal | None, target: Decimal | None, actual: Decimal | None
) -> Decimal | None:
    """How far ``actual`` has come from ``baseline`` (0 when not set) towards ``target``, in
    percent with one decimal (may be below 0 or above 100); None when it cannot be said (no
    target or actual, or a target equal to the baseline). Works for targets below the
    baseline too (a cost to bring down): reaching the target is 100 %."""
    if target is None or actual is None:
        return None
    start = baseline if baseline is not None else Decimal(0)
    if target == start:
        return None
    share = (actual - start) / (target - start) * 100
    return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# -- completeness ------------------------------------------------------------------------------

COMPLETENESS_WEIGHTS: Mapping[str, int] = MappingProxyType(
    {
        "situation": 10,
        "vision": 5,
        "strategies": 10,
        "revenue_target": 5,
        "swot": 15,
        "objectives": 15,
        "kpis": 10,
        "actions": 10,
        "whitespace": 10,
        "risks": 5,
        "relationship_goals": 5,
    }
)
"""Each section's share of the completeness score (they sum to 100); see the module's doc."""

assert sum(COMPLETENESS_WEIGHTS.values()) == 100


@dataclass(frozen=True, slots=True)
class PlanFacts:
    """What a plan holds, counted: the input of :func:`completeness`."""

    situation: str = ""
    vision: str = ""
    strategies: str = ""
    has_revenue_target: bool = False
    swot_counts: Mapping[str, int] = field(default_factory=dict)  # quadrant -> items
    objectives: int = 0
    kpis: int = 0
    kpis_with_target: int = 0
    actions: int = 0
    actions_planned: int = 0  # with an owner and a due date
    services: int = 0
    segments: int = 0
    cells_known: int = 0  # cells with a status other than "unknown"
    risks: int = 0
    risks_mitigated: int = 0  # with a mitigation written
    relationship_goals: int = 0


@dataclass(frozen=True, slots=True)
class CompletenessPart:
    key: str  # a key of COMPLETENESS_WEIGHTS
    weight: int
    earned: Decimal  # 0 to weight
    missing: str  # what to add, "" when the section earned its whole weight

    @property
    def complete(self) -> bool:
        return self.earned >= self.weight


@dataclass(frozen=True, slots=True)
class Completeness:
    score: int  # 0 to 100
    parts: tuple[CompletenessPart, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        """What is still empty, one sentence per section, in the plan's order."""
        return tuple(part.missing for part in self.parts if part.missing)


def _share(weight: int, done: int, total: int) -> Decimal:
    return Decimal(weight) * done / total if total else Decimal(0)


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many.replace("%n", str(count))


def completeness(facts: PlanFacts) -> Completeness:
    """The plan's completeness score and what is missing (weights: the module's doc)."""
    w = COMPLETENESS_WEIGHTS
    parts: list[CompletenessPart] = []

    def part(key: str, earned: Decimal, missing: str) -> None:
        earned = min(Decimal(w[key]), max(Decimal(0), earned))
        parts.append(CompletenessPart(key, w[key], earned, "" if earned >= w[key] else missing))

    def text(key: str, value: str, missing: str) -> None:
        part(key, Decimal(w[key]) if value.strip() else Decimal(0), missing)

    text("situation", facts.situation, "Describe the situation.")
    text("vision", facts.vision, "Write the vision.")
    text("strategies", facts.strategies, "Write the strategies.")
    part(
        "revenue_target",
        Decimal(w["revenue_target"]) if facts.has_revenue_target else Decimal(0),
        "Set the revenue target.",
    )
    empty = [q for q in SwotQuadrant if facts.swot_counts.get(q.value, 0) <= 0]
    names = {
        SwotQuadrant.STRENGTH: "strengths",
        SwotQuadrant.WEAKNESS: "weaknesses",
        SwotQuadrant.OPPORTUNITY: "opportunities",
        SwotQuadrant.THREAT: "threats",
    }
    part(
        "swot",
        _share(w["swot"], 4 - len(empty), 4),
        "SWOT: add " + ", ".join(names[q] for q in empty) + ".",
    )
    part(
        "objectives",
        Decimal(w["objectives"]) if facts.objectives else Decimal(0),
        "Add an objective.",
    )
    without_target = facts.kpis - facts.kpis_with_target
    part(
        "kpis",
        _share(w["kpis"], facts.kpis_with_target, facts.kpis),
        "Add a KPI with a target."
        if not facts.kpis
        else _plural(without_target, "1 KPI has no target.", "%n KPIs have no target."),
    )
    unplanned = facts.actions - facts.actions_planned
    part(
        "actions",
        _share(w["actions"], facts.actions_planned, facts.actions),
        "Add an action with an owner and a due date."
        if not facts.actions
        else _plural(
            unplanned,
            "1 action has no owner or due date.",
            "%n actions have no owner or due date.",
        ),
    )
    if not facts.services or not facts.segments:
        missing = "Whitespace: add services (rows) and business units or markets (columns)."
        part("whitespace", Decimal(0), missing)
    else:
        earned = Decimal(w["whitespace"]) if facts.cells_known else Decimal(0)
        part("whitespace", earned, "Whitespace: mark what is active, an opportunity or not a fit.")
    unmitigated = facts.risks - facts.risks_mitigated
    part(
        "risks",
        _share(w["risks"], facts.risks_mitigated, facts.risks),
        "Add a risk and its mitigation."
        if not facts.risks
        else _plural(unmitigated, "1 risk has no mitigation.", "%n risks have no mitigation."),
    )
    part(
        "relationship_goals",
        Decimal(w["relationship_goals"]) if facts.relationship_goals else Decimal(0),
        "Set a relationship goal for a key contact.",
    )
    total = sum((p.earned for p in parts), Decimal(0))
    score = int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return Completeness(score, tuple(parts))


# -- templates ---------------------------------------------------------------------------------

CURRENCY_UNIT = "{currency}"
"""A template KPI's unit that becomes the plan's currency code ("USD", "VND")."""

TEMPLATE_FORMAT = 1
"""The ``format`` a template's JSON carries; a later app may read older formats."""


class TemplateError(ValidationError):
    """A template's JSON is malformed: ``message`` names where (``objectives[1].statement``)
    and what is wrong."""

    def __init__(self, message: str) -> None:
        super().__init__("content", message)


@dataclass(frozen=True, slots=True)
class TemplateKpi:
    metric: str
    unit: str = ""
    baseline: Decimal | None = None
    target: Decimal | None = None


@dataclass(frozen=True, slots=True)
class TemplateObjective:
    statement: str
    kpis: tuple[TemplateKpi, ...] = ()


@dataclass(frozen=True, slots=True)
class TemplateRisk:
    description: str
    likelihood: int = 3
    impact: int = 3
    mitigation: str = ""


@dataclass(frozen=True, slots=True)
class TemplateContent:
    """What a new plan starts with. ``prompts`` are hints shown in empty sections (keys:
    situation, vision, strategies and the four SWOT quadrants); the rest becomes the plan's
    content. ``segments`` are placeholders: a plan for an account with business units or
    subsidiaries takes their names instead. A KPI whose unit is :data:`CURRENCY_UNIT`
    ("{currency}") is measured in the plan's currency."""

    name: str
    description: str = ""
    prompts: Mapping[str, str] = field(default_factory=dict)
    situation: str = ""
    vision: str = ""
    strategies: str = ""
    swot: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    objectives: tuple[TemplateObjective, ...] = ()
    actions: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    risks: tuple[TemplateRisk, ...] = ()


PROMPT_KEYS = ("situation", "vision", "strategies", *(q.value for q in SwotQuadrant))
_TOP_KEYS = frozenset(
    {
        "format",
        "name",
        "description",
        "prompts",
        "situation",
        "vision",
        "strategies",
        "swot",
        "objectives",
        "actions",
        "whitespace",
        "risks",
    }
)
_MAX_ITEMS = 200


def _number_text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def template_to_json(content: TemplateContent) -> str:
    """The template as JSON text (exact numbers as strings, non-ASCII kept), the form
    :func:`template_from_json` reads back and the Templates dialog edits."""
    data: dict[str, Any] = {
        "format": TEMPLATE_FORMAT,
        "name": content.name,
        "description": content.description,
        "prompts": {key: content.prompts[key] for key in PROMPT_KEYS if key in content.prompts},
        "situation": content.situation,
        "vision": content.vision,
        "strategies": content.strategies,
        "swot": {q.value: list(content.swot.get(q.value, ())) for q in SwotQuadrant},
        "objectives": [
            {
                "statement": objective.statement,
                "kpis": [
                    {
                        "metric": kpi.metric,
                        "unit": kpi.unit,
                        "baseline": _number_text(kpi.baseline),
                        "target": _number_text(kpi.target),
                    }
                    for kpi in objective.kpis
                ],
            }
            for objective in content.objectives
        ],
        "actions": list(content.actions),
        "whitespace": {"services": list(content.services), "segments": list(content.segments)},
        "risks": [
            {
                "description": risk.description,
                "likelihood": risk.likelihood,
                "impact": risk.impact,
                "mitigation": risk.mitigation,
            }
            for risk in content.risks
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


class _Reader:
    """Reads one JSON value with the path of where it is, for the error messages."""

    def __init__(self, value: Any, path: str) -> None:
        self.value = value
        self.path = path

    def fail(self, problem: str) -> TemplateError:
        return TemplateError(f"{self.path or 'The template'}: {problem}")

    def child(self, key: str | int) -> _Reader:
        if isinstance(key, int):
            return _Reader(self.value[key], f"{self.path}[{key}]")
        value = self.value.get(key) if isinstance(self.value, dict) else None
        return _Reader(value, f"{self.path}.{key}" if self.path else key)

    def object(self, allowed: frozenset[str] | None = None) -> _Reader:
        if not isinstance(self.value, dict):
            raise self.fail("expected an object ({…}).")
        if allowed is not None:
            unknown = sorted(set(self.value) - allowed)
            if unknown:
                raise self.fail(
                    f"unknown key '{unknown[0]}'; expected one of: {', '.join(sorted(allowed))}."
                )
        return self

    def items(self, optional: bool = True) -> list[_Reader]:
        if self.value is None and optional:
            return []
        if not isinstance(self.value, list):
            raise self.fail("expected a list ([…]).")
        if len(self.value) > _MAX_ITEMS:
            raise self.fail(f"at most {_MAX_ITEMS} items.")
        return [self.child(index) for index in range(len(self.value))]

    def text(self, *, required: bool = False, line: bool = False, most: int = 2000) -> str:
        if self.value is None and not required:
            return ""
        if self.value is None:
            raise self.fail("missing: write it as text in quotes.")
        if not isinstance(self.value, str):
            raise self.fail("expected text in quotes.")
        try:
            if required:
                return clean_name(self.value, self.path, max_length=most)
            if line:
                return clean_line(self.value, self.path, max_length=most)
            return clean_text(self.value, self.path, max_length=most)
        except ValidationError as exc:
            problem = exc.message
            if problem == "A name is required.":
                problem = "must not be empty."
            raise self.fail(problem[0].lower() + problem[1:]) from None

    def number(self) -> Decimal | None:
        value = self.value
        if isinstance(value, bool) or not (value is None or isinstance(value, str | int | Decimal)):
            raise self.fail('expected a number such as "12.5".')
        try:
            return clean_kpi_number(value, self.path)
        except ValidationError as exc:
            raise self.fail(exc.message[0].lower() + exc.message[1:]) from None

    def rating(self, default: int) -> int:
        if self.value is None:
            return default
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.fail("expected a whole number from 1 to 5.")
        if not 1 <= self.value <= 5:
            raise self.fail(f"{self.value} is not from 1 to 5.")
        return self.value


def template_from_json(text: str) -> TemplateContent:
    """Read a template's JSON (as :func:`template_to_json` writes it); a malformed one raises
    :class:`TemplateError` saying where and what is wrong. Missing sections are empty."""
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise TemplateError(
            f"Not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
    except ValueError as exc:
        raise TemplateError(f"Not valid JSON: {exc}.") from None
    root = _Reader(data, "").object(_TOP_KEYS)
    version = root.child("format").value
    if version is not None and version != TEMPLATE_FORMAT:
        raise root.child("format").fail(
            f"this app reads templates of format {TEMPLATE_FORMAT}, not {version!r}."
        )
    prompts_reader = root.child("prompts")
    prompts: dict[str, str] = {}
    if prompts_reader.value is not None:
        prompts_reader.object(frozenset(PROMPT_KEYS))
        for key in PROMPT_KEYS:
            prompt = prompts_reader.child(key).text(most=500)
            if prompt:
                prompts[key] = prompt
    swot: dict[str, tuple[str, ...]] = {}
    swot_reader = root.child("swot")
    if swot_reader.value is not None:
        swot_reader.object(frozenset(q.value for q in SwotQuadrant))
        for quadrant in SwotQuadrant:
            items = swot_reader.child(quadrant.value).items()
            if items:
                swot[quadrant.value] = tuple(item.text(required=True) for item in items)
    objectives = []
    for item in root.child("objectives").items():
        item.object(frozenset({"statement", "kpis"}))
        kpis = []
        for kpi in item.child("kpis").items():
            kpi.object(frozenset({"metric", "unit", "baseline", "target"}))
            kpis.append(
                TemplateKpi(
                    metric=kpi.child("metric").text(required=True, most=200),
                    unit=kpi.child("unit").text(line=True, most=20),
                    baseline=kpi.child("baseline").number(),
                    target=kpi.child("target").number(),
                )
            )
        objectives.append(
            TemplateObjective(item.child("statement").text(required=True), tuple(kpis))
        )
    whitespace = root.child("whitespace")
    if whitespace.value is not None:
        whitespace.object(frozenset({"services", "segments"}))
    axes: dict[str, tuple[str, ...]] = {}
    for key in ("services", "segments"):
        labels = [item.text(required=True, most=120) for item in whitespace.child(key).items()]
        seen: set[str] = set()
        for index, label in enumerate(labels):
            if label.casefold() in seen:
                raise whitespace.child(key).child(index).fail(f"'{label}' is listed twice.")
            seen.add(label.casefold())
        axes[key] = tuple(labels)
    risks = []
    for item in root.child("risks").items():
        item.object(frozenset({"description", "likelihood", "impact", "mitigation"}))
        risks.append(
            TemplateRisk(
                description=item.child("description").text(required=True),
                likelihood=item.child("likelihood").rating(3),
                impact=item.child("impact").rating(3),
                mitigation=item.child("mitigation").text(),
            )
        )
    return TemplateContent(
        name=root.child("name").text(line=True, most=120),
        description=root.child("description").text(most=1000),
        prompts=prompts,
        situation=root.child("situation").text(),
        vision=root.child("vision").text(),
        strategies=root.child("strategies").text(),
        swot=swot,
        objectives=tuple(objectives),
        actions=tuple(item.text(required=True) for item in root.child("actions").items()),
        services=axes["services"],
        segments=axes["segments"],
        risks=tuple(risks),
    )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


# -- the built-in templates ----------------------------------------------------------------------

_SERVICES = (
    "Strategy",
    "Creative",
    "Media",
    "Data & analytics",
    "E-commerce",
    "CRM",
    "Social & content",
)

_COMMON_PROMPTS = {
    "situation": "Where the client's business stands: results, priorities for the year, "
    "organisation changes, and where we stand with them.",
    "vision": "Where we want this relationship to be in three years, in one or two sentences.",
    "strategies": "The few ways we will get there (one per line): grow in …, protect …, "
    "prove value by …",
    "strength": "What the client values in us; where we lead the roster agencies.",
    "weakness": "Where we fall short or lack access: services, markets, people.",
    "opportunity": "Briefs, budgets, markets or needs we could win next.",
    "threat": "Competitors, procurement, reorganisations, budget cuts.",
}

BUILTIN_TEMPLATES: tuple[TemplateContent, ...] = (
    TemplateContent(
        name="Strategic account",
        description="A full plan for a top account: SWOT, growth and relationship objectives, "
        "the cross-sell map across business units and the risks to the relationship.",
        prompts=_COMMON_PROMPTS,
        objectives=(
            TemplateObjective(
                "Grow revenue with the account",
                (TemplateKpi("Revenue", CURRENCY_UNIT), TemplateKpi("Share of wallet", "%")),
            ),
            TemplateObjective(
                "Expand into new services and business units",
                (TemplateKpi("Services bought", "count"),),
            ),
            TemplateObjective(
                "Be the client's most trusted partner",
                (TemplateKpi("Client satisfaction (NPS)", "pts"),),
            ),
        ),
        actions=(
            "Map the decision makers and agree a relationship owner for each",
            "Prepare and run the quarterly business review",
            "Present two proactive ideas per quarter",
        ),
        services=_SERVICES,
        segments=("Business unit 1", "Business unit 2", "Business unit 3"),
        risks=(
            TemplateRisk(
                "Procurement-led roster review or rate-card pressure",
                3,
                4,
                "Benchmark our rates; document results per market before the renewal.",
            ),
            TemplateRisk(
                "Our sponsor leaves or changes role",
                2,
                5,
                "Build relationships one level above and beside the sponsor.",
            ),
            TemplateRisk("Budget cut or freeze mid-year", 3, 3, ""),
        ),
    ),
    TemplateContent(
        name="Growth account",
        description="A lighter plan for an account with room to grow: where to cross-sell, "
        "two objectives and the actions to get there.",
        prompts=_COMMON_PROMPTS,
        objectives=(
            TemplateObjective(
                "Win a second service line", (TemplateKpi("New services won", "count"),)
            ),
            TemplateObjective("Grow revenue", (TemplateKpi("Revenue", CURRENCY_UNIT),)),
        ),
        actions=(
            "Share a case study of a service they do not buy yet",
            "Meet the client's other business units",
        ),
        services=_SERVICES[:6],
        segments=("Core brand", "New markets"),
        risks=(
            TemplateRisk(
                "The client consolidates agencies", 2, 4, "Show results per project, in numbers."
            ),
        ),
    ),
    TemplateContent(
        name="Maintain account",
        description="Keep a steady account healthy with the least effort: situation, SWOT and "
        "the risks to watch.",
        prompts=_COMMON_PROMPTS,
        objectives=(
            TemplateObjective("Renew at the same scope", (TemplateKpi("Retention", "%"),)),
        ),
        actions=("Review delivery quality with the client twice a year",),
        services=_SERVICES[:4],
        segments=("Main business",),
        risks=(TemplateRisk("Scope creep without a change order", 3, 2, ""),),
    ),
)


def builtin_template(name: str) -> TemplateContent | None:
    """The built-in template of that name (case does not matter), or None."""
    key = name.strip().casefold()
    return next((t for t in BUILTIN_TEMPLATES if t.name.casefold() == key), None)
