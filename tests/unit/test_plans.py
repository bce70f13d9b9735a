"""Account plan rules: risk score and band, KPI numbers, periods and progress, the completeness
score, and the templates' JSON (read back, and refused with a clear message when malformed)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyplan.domain.errors import ValidationError
from keyplan.domain.plans import (
    BUILTIN_TEMPLATES,
    COMPLETENESS_WEIGHTS,
    CURRENCY_UNIT,
    PlanFacts,
    RiskBand,
    TemplateContent,
    TemplateError,
    TemplateKpi,
    TemplateObjective,
    builtin_template,
    clean_kpi_number,
    clean_kpi_period,
    completeness,
    kpi_progress,
    risk_band,
    risk_score,
    template_from_json,
    template_to_json,
)

FULL = PlanFacts(
    situation="Growing",
    vision="Lead partner",
    strategies="Win retail media",
    has_revenue_target=True,
    swot_counts={"strength": 2, "weakness": 1, "opportunity": 1, "threat": 3},
    objectives=2,
    kpis=3,
    kpis_with_target=3,
    actions=4,
    actions_planned=4,
    services=5,
    segments=3,
    cells_known=7,
    risks=2,
    risks_mitigated=2,
    relationship_goals=1,
)


# -- risks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("likelihood", "impact", "score", "band"),
    [
        (1, 1, 1, RiskBand.LOW),
        (2, 2, 4, RiskBand.LOW),
        (1, 5, 5, RiskBand.MEDIUM),
        (3, 3, 9, RiskBand.MEDIUM),
        (2, 5, 10, RiskBand.HIGH),
        (4, 4, 16, RiskBand.HIGH),
        (4, 5, 20, RiskBand.CRITICAL),
        (5, 5, 25, RiskBand.CRITICAL),
    ],
)
def test_risk_score_and_band(likelihood: int, impact: int, score: int, band: RiskBand) -> None:
    assert risk_score(likelihood, impact) == score
    assert risk_band(score) is band


@pytest.mark.parametrize("bad", [0, 6, -1, True, "3", None])
def test_risk_ratings_outside_one_to_five_are_refused(bad: object) -> None:
    with pytest.raises(ValidationError) as error:
        risk_score(bad, 3)  # type: ignore[arg-type]
    assert error.value.field == "likelihood"


# -- KPIs ----------------------------------------------------------------------------------


def test_kpi_numbers_are_exact() -> None:
    assert clean_kpi_number("12.50", "target") == Decimal("12.50")
    assert clean_kpi_number(Decimal("0.000001"), "target") == Decimal("0.000001")
    assert clean_kpi_number(7, "target") == Decimal(7)
    assert clean_kpi_number("", "target") is None
    assert clean_kpi_number(None, "target") is None
    assert str(clean_kpi_number("-0", "target")) == "0"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("abc", "is not a number"),
        ("1,5", "is not a number"),
        ("NaN", "is not a number"),
        ("Infinity", "is not a number"),
        ("=1+1", "is not a number"),
        ("1e400", "too large"),
        ("1000000000000000", "too large"),
        ("0.0000001", "at most 6 decimals"),
        (1.5, "not a float"),
    ],
)
def test_bad_kpi_numbers_are_refused(bad: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as error:
        clean_kpi_number(bad, "actual")
    assert error.value.field == "actual"


def test_kpi_periods() -> None:
    assert clean_kpi_period("") == ""
    assert clean_kpi_period(" 2026 ") == "2026"
    assert clean_kpi_period("2026-q3") == "2026-Q3"
    assert clean_kpi_period("2026-09") == "2026-09"
    assert clean_kpi_period("2026-w38") == "2026-W38"
    for bad in ("Q3", "2026-13", "26", "1800", "next year"):
        with pytest.raises(ValidationError, match=r"not a period|1990"):
            clean_kpi_period(bad)


def test_kpi_progress_from_baseline_to_target() -> None:
    assert kpi_progress(Decimal(100), Decimal(200), Decimal(150)) == Decimal("50.0")
    assert kpi_progress(None, Decimal(200), Decimal(50)) == Decimal("25.0")
    assert kpi_progress(Decimal(100), Decimal(200), Decimal(250)) == Decimal("150.0")
    # a cost to bring down: from 40 to 30, now at 35 is half way
    assert kpi_progress(Decimal(40), Decimal(30), Decimal(35)) == Decimal("50.0")
    assert kpi_progress(Decimal(10), Decimal(10), Decimal(12)) is None
    assert kpi_progress(Decimal(1), Decimal(2), None) is None
    assert kpi_progress(Decimal(1), None, Decimal(2)) is None


# -- completeness --------------------------------------------------------------------------


def test_weights_sum_to_one_hundred() -> None:
    assert sum(COMPLETENESS_WEIGHTS.values()) == 100


def test_an_empty_plan_scores_zero_and_lists_every_section() -> None:
    result = completeness(PlanFacts())
    assert result.score == 0
    assert len(result.missing) == len(COMPLETENESS_WEIGHTS)
    assert "Describe the situation." in result.missing
    assert "SWOT: add strengths, weaknesses, opportunities, threats." in result.missing


def test_a_full_plan_scores_one_hundred_with_nothing_missing() -> None:
    result = completeness(FULL)
    assert result.score == 100
    assert result.missing == ()
    assert all(part.complete for part in result.parts)


def test_partial_sections_earn_their_share() -> None:
    facts = PlanFacts(
        situation="x",  # 10
        swot_counts={"strength": 1, "threat": 1},  # half of 15
        kpis=4,
        kpis_with_target=1,  # a quarter of 10
        actions=2,
        actions_planned=1,  # half of 10
        risks=1,  # none mitigated: 0 of 5
    )
    result = completeness(facts)
    assert result.score == round(10 + 7.5 + 2.5 + 5)  # 25, half up
    assert "SWOT: add weaknesses, opportunities." in result.missing
    assert "3 KPIs have no target." in result.missing
    assert "1 action has no owner or due date." in result.missing
    assert "1 risk has no mitigation." in result.missing


def test_whitespace_needs_rows_columns_and_a_known_cell() -> None:
    no_columns = completeness(PlanFacts(services=3, cells_known=2))
    assert any("add services" in m for m in no_columns.missing)
    unmarked = completeness(PlanFacts(services=3, segments=2))
    assert "Whitespace: mark what is active, an opportunity or not a fit." in unmarked.missing
    marked = completeness(PlanFacts(services=3, segments=2, cells_known=1))
    assert not any(m.startswith("Whitespace") for m in marked.missing)
    assert marked.score == COMPLETENESS_WEIGHTS["whitespace"]


@given(
    st.builds(
        PlanFacts,
        situation=st.sampled_from(["", "x"]),
        has_revenue_target=st.booleans(),
        objectives=st.integers(0, 5),
        kpis=st.integers(0, 6),
        actions=st.integers(0, 6),
        risks=st.integers(0, 4),
        services=st.integers(0, 3),
        segments=st.integers(0, 3),
        cells_known=st.integers(0, 3),
    )
)
def test_score_is_between_zero_and_one_hundred_and_matches_its_parts(facts: PlanFacts) -> None:
    result = completeness(facts)
    assert 0 <= result.score <= 100
    assert all(Decimal(0) <= p.earned <= p.weight for p in result.parts)
    assert (result.score == 100) == (not result.missing)


# -- templates ------------------------------------------------------------------------------


def test_builtin_templates_round_trip_through_json() -> None:
    assert {t.name for t in BUILTIN_TEMPLATES} >= {"Strategic account", "Growth account"}
    for template in BUILTIN_TEMPLATES:
        text = template_to_json(template)
        assert json.loads(text)["format"] == 1
        assert template_from_json(text) == template
    strategic = builtin_template("strategic ACCOUNT")
    assert strategic is not None
    assert {"Strategy", "Creative", "Media", "Data & analytics", "E-commerce", "CRM"} <= set(
        strategic.services
    )
    assert strategic.prompts["threat"]
    assert strategic.objectives[0].kpis[0].unit == CURRENCY_UNIT


def test_a_template_keeps_exact_numbers_and_every_script() -> None:
    template = TemplateContent(
        name="Kế hoạch Việt Nam",
        swot={"strength": ("Đội ngũ livestream", "強い関係", "Сильная команда")},
        objectives=(
            TemplateObjective(
                "Tăng trưởng", (TemplateKpi("Doanh thu", "VND", None, Decimal("1.50")),)
            ),
        ),
        services=("Media",),
        segments=("Hà Nội", "TP. Hồ Chí Minh"),
    )
    text = template_to_json(template)
    assert '"1.50"' in text and "Đội ngũ" in text  # written as text, not as a float
    assert template_from_json(text) == template


def test_missing_sections_are_empty() -> None:
    template = template_from_json('{"name": "Bare"}')
    assert template.objectives == () and template.services == () and template.prompts == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "Not valid JSON: Expecting property name enclosed in double quotes at line 1"),
        ("", "Not valid JSON"),
        ("[1, 2]", "The template: expected an object"),
        ('{"name": "x", "colour": "red"}', "unknown key 'colour'"),
        ('{"format": 9}', "format: this app reads templates of format 1"),
        ('{"objectives": [{"kpis": []}]}', "objectives[0].statement: missing"),
        ('{"objectives": "grow"}', "objectives: expected a list"),
        (
            '{"objectives": [{"statement": "a", "kpis": [{"metric": "m", "target": "abc"}]}]}',
            "objectives[0].kpis[0].target: 'abc' is not a number",
        ),
        (
            '{"objectives": [{"statement": "a", "kpis": [{"metric": "m", "target": NaN}]}]}',
            "NaN is not a number JSON allows",
        ),
        (
            '{"objectives": [{"statement": "a", "kpis": [{"metric": "m", "target": true}]}]}',
            'objectives[0].kpis[0].target: expected a number such as "12.5"',
        ),
        ('{"risks": [{"description": "d", "impact": 7}]}', "risks[0].impact: 7 is not from 1 to 5"),
        ('{"risks": [{"description": "d", "likelihood": 2.5}]}', "risks[0].likelihood: expected"),
        ('{"swot": {"threat": [""]}}', "swot.threat[0]: must not be empty"),
        ('{"swot": {"threats": []}}', "swot: unknown key 'threats'"),
        (
            '{"whitespace": {"services": ["Media", "media"]}}',
            "whitespace.services[1]: 'media' is listed twice",
        ),
        ('{"prompts": {"situation": 3}}', "prompts.situation: expected text in quotes"),
        ('{"actions": ["ok", "a\\u0000b"]}', "actions[1]: "),
    ],
)
def test_a_malformed_template_is_refused_with_where_and_why(text: str, message: str) -> None:
    with pytest.raises(TemplateError) as error:
        template_from_json(text)
    assert message in error.value.message
    assert error.value.field == "content"
