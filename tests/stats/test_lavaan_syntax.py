"""lavaan model syntax: statements, modifiers, the cfa()/sem() defaults and clear syntax errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allypath.errors import ModelSyntaxError
from allypath.stats.lavaan_syntax import (
    Modifier,
    ParameterRow,
    build_parameter_table,
    parse_model,
)

HS_MODEL = """
  # the classic three-factor model
  visual  =~ x1 + x2 + x3
  textual =~ x4 + x5 + x6
  speed   =~ x7 + x8 + x9
"""


def rows_by_key(rows: list[ParameterRow], group: int = 1) -> dict[tuple[str, str, str], ParameterRow]:
    return {(r.lhs, r.op, r.rhs): r for r in rows if r.group == group}


# ---------------------------------------------------------------- statements


def test_loadings_expand_one_statement_per_indicator_in_order():
    parsed = parse_model(HS_MODEL)
    assert [(s.lhs, s.op, s.rhs) for s in parsed.statements][:3] == [
        ("visual", "=~", "x1"),
        ("visual", "=~", "x2"),
        ("visual", "=~", "x3"),
    ]
    assert parsed.latent == ["visual", "textual", "speed"]
    assert parsed.observed == [f"x{i}" for i in range(1, 10)]


def test_modifiers_fixed_free_label_and_start_are_read():
    parsed = parse_model("f =~ NA*x1 + 0.5*x2 + a*x3 + start(0.7)*x4 + -1*x5 + label('b')*x6")
    mods = [s.modifiers[0] for s in parsed.statements]
    assert mods[0] == Modifier(free=True)
    assert mods[1] == Modifier(fixed=0.5)
    assert mods[2] == Modifier(label="a")
    assert mods[3] == Modifier(start=0.7)
    assert mods[4] == Modifier(fixed=-1.0)
    assert mods[5] == Modifier(label="b")


def test_chained_modifiers_merge():
    (stmt,) = parse_model("f =~ start(0.4)*a*x1").statements
    assert stmt.modifiers == (Modifier(label="a", start=0.4),)


def test_vector_modifier_gives_one_value_per_group():
    (stmt,) = parse_model("f =~ c(1, NA)*x1").statements
    assert stmt.modifier(0) == Modifier(fixed=1.0)
    assert stmt.modifier(1) == Modifier(free=True)


def test_semicolons_comments_and_continuation_lines():
    parsed = parse_model("f =~ x1 +\n   x2   # two\n   + x3 ; g =~ x4 + x5 ! bang comment\ng ~~ f")
    keys = [(s.lhs, s.op, s.rhs) for s in parsed.statements]
    assert keys == [
        ("f", "=~", "x1"),
        ("f", "=~", "x2"),
        ("f", "=~", "x3"),
        ("g", "=~", "x4"),
        ("g", "=~", "x5"),
        ("g", "~~", "f"),
    ]


def test_intercepts_regressions_multiple_lhs_and_rhs_sums():
    parsed = parse_model("y1 + y2 ~ x1 + x2\nx1 ~ 1\nf ~ 0*1\ny2 ~~ y4 + y6")
    keys = [(s.lhs, s.op, s.rhs) for s in parsed.statements]
    assert ("y1", "~", "x1") in keys
    assert ("y2", "~", "x2") in keys
    assert ("x1", "~1", "") in keys
    assert ("y2", "~~", "y6") in keys
    (mean_stmt,) = [s for s in parsed.statements if s.lhs == "f"]
    assert mean_stmt.modifiers == (Modifier(fixed=0.0),)


def test_duplicates_are_ignored_like_lavaan_and_equalities_collected():
    parsed = parse_model("f =~ x1 + a*x2 + b*x3\nx1 ~~ x2\nx2 ~~ x1\na == b")
    assert sum(s.op == "~~" for s in parsed.statements) == 1
    assert parsed.equalities == (("a", "b"),)


@pytest.mark.parametrize(
    ("model", "line", "token"),
    [
        ("visual =~ x1 + * x2", 1, "'*'"),
        ("f =~ x1 + x2\n\ng =~ x3 $ x4", 3, "'$'"),
        ("f =~ x1 + x2 ~ x3", 1, "'~'"),
        ("f =~ x1 + x2 +", 1, "'+'"),
        ("f =~ x1\nf := a*b", 2, "':='"),
        ("x1 + x2", 1, "x1 + x2"),
        ("f =~ x1 + 2*", 1, "'*'"),
        ("f =~ x1 + foo(1)*x2", 1, "'foo'"),
        ("y ~ 2", 1, "'2'"),
        ("f g =~ x1", 1, "'g'"),
        ("=~ x1", 1, "no variable name"),
    ],
)
def test_syntax_errors_name_the_line_and_the_token(model: str, line: int, token: str):
    with pytest.raises(ModelSyntaxError) as info:
        parse_model(model)
    message = str(info.value)
    assert f"line {line}" in message
    assert token in message


def test_empty_model_is_refused():
    with pytest.raises(ModelSyntaxError, match="empty"):
        parse_model("  # nothing here\n")


@pytest.mark.parametrize("op", ["<~", "|", "~*~", "<", ">"])
def test_unsupported_operators_are_refused_by_name(op: str):
    with pytest.raises(ModelSyntaxError, match="not supported"):
        parse_model(f"f =~ x1 + x2\nf {op} x3")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=4),
    st.sampled_from(["\n", ";", " ;\n"]),
)
def test_generated_factor_models_parse_into_one_statement_per_indicator(sizes, separator):
    lines, counter = [], 0
    for f, size in enumerate(sizes):
        items = [f"v{counter + i}" for i in range(size)]
        counter += size
        lines.append(f"f{f} =~ " + " + ".join(items))
    parsed = parse_model(separator.join(lines))
    assert len(parsed.statements) == sum(sizes)
    assert parsed.latent == [f"f{f}" for f in range(len(sizes))]
    assert parsed.observed == [f"v{i}" for i in range(counter)]


# ---------------------------------------------------------------- defaults


def test_cfa_defaults_fix_the_marker_and_free_variances_and_factor_covariances():
    table = build_parameter_table(parse_model(HS_MODEL))
    rows = rows_by_key(table.parameters)
    assert not rows[("visual", "=~", "x1")].free
    assert rows[("visual", "=~", "x1")].value == 1.0
    assert rows[("visual", "=~", "x2")].free
    assert all(rows[(f"x{i}", "~~", f"x{i}")].free for i in range(1, 10))
    assert rows[("visual", "~~", "textual")].free
    assert rows[("textual", "~~", "speed")].free
    assert sum(r.free for r in table.parameters) == 21  # lavaan npar
    assert not table.meanstructure
    # lavaan's row order: user rows, residual variances, latent variances, covariances
    assert [r.id for r in table.parameters] == list(range(1, 25))
    assert (table.parameters[9].lhs, table.parameters[9].op) == ("x1", "~~")


def test_std_lv_frees_loadings_and_fixes_latent_variances():
    table = build_parameter_table(parse_model(HS_MODEL), std_lv=True)
    rows = rows_by_key(table.parameters)
    assert rows[("visual", "=~", "x1")].free
    assert not rows[("visual", "~~", "visual")].free
    assert rows[("visual", "~~", "visual")].value == 1.0


def test_explicit_free_marker_stays_free():
    table = build_parameter_table(parse_model("f =~ NA*x1 + x2 + x3\nf ~~ 1*f"))
    rows = rows_by_key(table.parameters)
    assert rows[("f", "=~", "x1")].free
    assert not rows[("f", "~~", "f")].free


def test_groups_get_intercepts_and_fixed_latent_means():
    table = build_parameter_table(parse_model(HS_MODEL), ngroups=2)
    assert table.meanstructure
    g2 = rows_by_key(table.parameters, group=2)
    assert g2[("x1", "~1", "")].free
    assert not g2[("visual", "~1", "")].free
    assert g2[("visual", "~1", "")].value == 0.0
    assert len(table.parameters) == 2 * 36


def test_group_equal_labels_match_lavaan_and_free_latent_means():
    table = build_parameter_table(parse_model(HS_MODEL), ngroups=2, group_equal=("loadings", "intercepts"))
    g1, g2 = rows_by_key(table.parameters, 1), rows_by_key(table.parameters, 2)
    assert g1[("visual", "=~", "x2")].label == g2[("visual", "=~", "x2")].label == ".p2."
    assert g2[("x3", "~1", "")].label == g1[("x3", "~1", "")].label != ""
    assert g2[("visual", "~1", "")].free
    assert not g1[("visual", "~1", "")].free
    assert g2[("x3", "~~", "x3")].label == ""  # residuals not constrained at this level


def test_group_partial_exempts_a_parameter():
    table = build_parameter_table(
        parse_model(HS_MODEL), ngroups=2, group_equal=("loadings", "intercepts"), group_partial=("x3 ~ 1",)
    )
    g2 = rows_by_key(table.parameters, 2)
    assert g2[("x3", "~1", "")].label == ""
    assert g2[("x4", "~1", "")].label != ""


def test_exogenous_observed_covariates_are_fixed_x():
    table = build_parameter_table(parse_model("f =~ y1 + y2 + y3\nf ~ a1 + a2"))
    assert table.exogenous_observed == ["a1", "a2"]
    exo = [(r.lhs, r.rhs) for r in table.parameters if r.exo]
    assert exo == [("a1", "a1"), ("a1", "a2"), ("a2", "a2")]  # lavaan's lower-triangle order
    assert all(not r.free for r in table.parameters if r.exo)


def test_purely_dependent_latents_get_a_residual_covariance():
    table = build_parameter_table(parse_model("f =~ x1 + x2 + x3\ng =~ x4 + x5\nh =~ x6 + x7\ng ~ f\nh ~ f"))
    assert ("g", "~~", "h") in rows_by_key(table.parameters)


def test_single_indicator_latent_gets_zero_residual_variance():
    table = build_parameter_table(parse_model("f =~ x1\ng =~ x2 + x3 + x4"))
    row = rows_by_key(table.parameters)[("x1", "~~", "x1")]
    assert not row.free
    assert row.value == 0.0


def test_vector_modifier_length_must_match_groups():
    with pytest.raises(ModelSyntaxError, match="2 values"):
        build_parameter_table(parse_model("f =~ x1 + c(a, b)*x2 + x3"), ngroups=3)


def test_unknown_group_equal_kind_is_refused():
    with pytest.raises(ModelSyntaxError, match="loading"):
        build_parameter_table(parse_model(HS_MODEL), ngroups=2, group_equal=("loading",))
