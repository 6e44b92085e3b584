"""lavaan model syntax: parse a model string and expand it into a parameter table.

Two steps, as in lavaan:

1. :func:`parse_model` turns the text into :class:`Statement` objects (one per ``lhs op rhs``
   pair), keeping the modifiers (``1*x``, ``NA*x``, ``a*x``, ``c(a, b)*x``, ``start(.5)*x``).
2. :func:`build_parameter_table` applies the defaults of lavaan's ``cfa()``/``sem()``
   (``auto.fix.first``, ``auto.var``, ``auto.cov.lv.x``, ``auto.cov.y``, ``fixed.x``,
   intercepts with a mean structure) and the cross-group equality constraints of
   ``group.equal``, giving the rows that :mod:`allypath.stats.sem` estimates.

Supported operators: ``=~`` (loadings), ``~`` (regressions), ``~~`` (variances and
covariances), ``~ 1`` (intercepts and latent means) and ``==`` between two labels.
Comments start with ``#`` or ``!``; statements end at a newline or ``;`` and a line without
an operator continues the statement above it.

Reference: Rosseel, Y. (2012). lavaan: An R package for structural equation modeling.
Journal of Statistical Software, 48(2), 1-36. ``?lavaan::model.syntax``.

Example
-------
>>> table = build_parameter_table(parse_model("f =~ x1 + x2 + x3"))
>>> [(p.lhs, p.op, p.rhs, p.free) for p in table.parameters][:2]
[('f', '=~', 'x1', False), ('f', '=~', 'x2', True)]
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from allypath.errors import ModelSyntaxError

__all__ = [
    "GROUP_EQUAL_KINDS",
    "Modifier",
    "ParameterRow",
    "ParameterTable",
    "ParsedModel",
    "Statement",
    "build_parameter_table",
    "parse_model",
]

# Operators lavaan knows but this engine does not estimate: refuse them by name.
_UNSUPPORTED = {
    "<~": "composites ('<~')",
    ":=": "defined parameters (':=')",
    "<": "inequality constraints ('<')",
    ">": "inequality constraints ('>')",
    "|": "thresholds ('|')",
    "~*~": "scaling factors ('~*~')",
    "%": "group weights ('%')",
}
_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r]+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?![A-Za-z_]))
  | (?P<op>~\*~|=~|~~|<~|:=|==|~|<|>|\||%)
  | (?P<punct>[*+\-(),])
  | (?P<name>[A-Za-z_.][A-Za-z0-9_.]*)
  | (?P<string>"[^"\n]*"|'[^'\n]*')
    """,
    re.VERBOSE,
)

#: Parameter kinds accepted by ``group_equal`` (lavaan's ``group.equal`` names).
GROUP_EQUAL_KINDS = (
    "loadings",
    "intercepts",
    "means",
    "residuals",
    "residual.covariances",
    "lv.variances",
    "lv.covariances",
    "regressions",
)


@dataclass(frozen=True)
class Modifier:
    """What the syntax says about one parameter in one group.

    ``fixed`` is the value it is fixed to, ``free`` is True for an explicit ``NA`` (free even
    where a default would fix it), ``label`` names it (equal labels share one estimate).
    """

    fixed: float | None = None
    free: bool = False
    label: str | None = None
    start: float | None = None


@dataclass(frozen=True)
class Statement:
    """One ``lhs op rhs`` relation. ``op`` is ``=~``, ``~``, ``~~``, ``~1`` or ``==``.

    ``modifiers`` holds one entry (applies to every group) or one per group (``c(...)``).
    """

    lhs: str
    op: str
    rhs: str
    modifiers: tuple[Modifier, ...] = ()
    line: int = 0

    def modifier(self, group: int) -> Modifier:
        """The modifier for 0-based ``group`` (an empty one when none was given)."""
        if not self.modifiers:
            return Modifier()
        if len(self.modifiers) == 1:
            return self.modifiers[0]
        return self.modifiers[group]


@dataclass(frozen=True)
class ParsedModel:
    """The statements of a model string, in order, plus ``==`` constraints between labels."""

    statements: tuple[Statement, ...]
    equalities: tuple[tuple[str, str], ...] = ()

    @property
    def latent(self) -> list[str]:
        """Latent variables: the left-hand sides of ``=~``, in order of appearance."""
        return _unique(s.lhs for s in self.statements if s.op == "=~")

    @property
    def observed(self) -> list[str]:
        """Observed variables in lavaan's order: indicators first, then the rest."""
        latent = set(self.latent)
        names: list[str] = [s.rhs for s in self.statements if s.op == "=~"]
        for s in self.statements:
            names += [s.lhs] if s.op == "~1" else [s.lhs, s.rhs]
        return [n for n in _unique(names) if n and n not in latent]


@dataclass
class ParameterRow:
    """One row of the parameter table (lavaan's ``partable``).

    ``group`` is 1-based; ``free`` False means fixed at ``value``; when free, ``value`` is a
    start value (``None`` = let the engine choose). ``exo`` marks moments of fixed exogenous
    covariates (``fixed.x``), which the engine fixes at their sample values.
    """

    id: int
    lhs: str
    op: str
    rhs: str
    group: int
    free: bool
    value: float | None = None
    label: str = ""
    user: bool = False
    exo: bool = False


@dataclass
class ParameterTable:
    """The expanded model: rows plus the variable roles the engine needs."""

    parameters: list[ParameterRow]
    observed: list[str]
    latent: list[str]
    exogenous_observed: list[str]
    ngroups: int
    meanstructure: bool
    equalities: list[tuple[str, str]] = field(default_factory=list)


def parse_model(model: str) -> ParsedModel:
    """Parse lavaan model syntax.

    Parameters
    ----------
    model : str
        The model text, e.g. ``"visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6"``.

    Returns
    -------
    ParsedModel

    Raises
    ------
    ModelSyntaxError
        Naming the line and the offending token.

    Examples
    --------
    >>> parse_model("f =~ NA*x1 + a*x2; f ~~ 1*f").statements[0].modifiers
    (Modifier(fixed=None, free=True, label=None, start=None),)
    """
    if not isinstance(model, str) or not model.strip():
        raise ModelSyntaxError("the model string is empty")
    statements: list[Statement] = []
    equalities: list[tuple[str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    for tokens in _logical_statements(model):
        for stmt in _parse_statement(tokens):
            if stmt.op == "==":
                equalities.append((stmt.lhs, stmt.rhs))
                continue
            key = _key(stmt.lhs, stmt.op, stmt.rhs)
            if key in seen:  # lavaan ignores duplicated elements (with a warning)
                continue
            seen.add(key)
            statements.append(stmt)
    if not statements:
        raise ModelSyntaxError("the model is empty: it defines no parameters")
    return ParsedModel(tuple(statements), tuple(equalities))


# --------------------------------------------------------------------------- tokenising


@dataclass(frozen=True)
class _Token:
    kind: str  # number, op, punct, name, string
    text: str
    line: int
    source: str  # the whole physical line, for error messages


def _tokenize_line(text: str, line: int) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ModelSyntaxError(f"line {line}: unexpected character {text[pos]!r} in {text.strip()!r}")
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(_Token(kind, match.group(), line, text.strip()))
        pos = match.end()
    return tokens


def _logical_statements(model: str) -> list[list[_Token]]:
    """Split into statements; a chunk without an operator continues the previous one."""
    statements: list[list[_Token]] = []
    for number, raw in enumerate(model.splitlines(), start=1):
        text = re.split(r"[#!]", raw, maxsplit=1)[0]
        for chunk in text.split(";"):
            tokens = _tokenize_line(chunk, number)
            if not tokens:
                continue
            if any(t.kind == "op" for t in tokens):
                statements.append(tokens)
            elif statements:
                statements[-1].extend(tokens)
            else:
                raise ModelSyntaxError(
                    f"line {number}: no operator (such as =~, ~ or ~~) in {chunk.strip()!r}"
                )
    return statements


# --------------------------------------------------------------------------- parsing


def _fail(token: _Token, what: str) -> ModelSyntaxError:
    return ModelSyntaxError(f"line {token.line}: {what} {token.text!r} in {token.source!r}")


def _parse_statement(tokens: list[_Token]) -> list[Statement]:
    op_positions = [i for i, t in enumerate(tokens) if t.kind == "op"]
    if len(op_positions) > 1:
        raise _fail(tokens[op_positions[1]], "a second operator")
    at = op_positions[0]
    op_token = tokens[at]
    if op_token.text in _UNSUPPORTED:
        raise _fail(op_token, f"{_UNSUPPORTED[op_token.text]} are not supported: operator")
    lhs_names = _parse_lhs(tokens[:at], op_token)
    rhs_tokens = tokens[at + 1 :]
    if not rhs_tokens:
        raise _fail(op_token, "nothing after the operator")
    if op_token.text == "==":
        if len(lhs_names) != 1 or len(rhs_tokens) != 1 or rhs_tokens[0].kind != "name":
            raise _fail(op_token, "'==' needs one label on each side; near")
        return [Statement(lhs_names[0], "==", rhs_tokens[0].text, (), op_token.line)]
    if op_token.text == "=~" and len(lhs_names) != 1:
        raise _fail(op_token, "a latent variable definition needs one name before")
    out: list[Statement] = []
    for term in _split_terms(rhs_tokens):
        modifiers, target = _parse_term(term)
        op, rhs = op_token.text, target.text
        if target.kind == "number":
            if op != "~" or float(target.text) != 1.0:
                raise _fail(target, "expected a variable name, found")
            op, rhs = "~1", ""
        for lhs in lhs_names:
            out.append(Statement(lhs, op, rhs, modifiers, op_token.line))
    return out


def _parse_lhs(tokens: list[_Token], op_token: _Token) -> list[str]:
    if not tokens:
        raise _fail(op_token, "no variable name before the operator")
    names: list[str] = []
    expect_name = True
    for token in tokens:
        if expect_name and token.kind == "name":
            names.append(token.text)
        elif not expect_name and token.text == "+":
            pass
        else:
            raise _fail(token, "unexpected token")
        expect_name = not expect_name
    if expect_name:
        raise _fail(tokens[-1], "a variable name must follow")
    return names


def _split_terms(tokens: list[_Token]) -> list[list[_Token]]:
    terms: list[list[_Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        if token.text == "+" and depth == 0:
            if not terms[-1]:
                raise _fail(token, "a term is missing before")
            terms.append([])
        else:
            terms[-1].append(token)
    if not terms[-1]:
        raise _fail(tokens[-1], "a term is missing after")
    return terms


def _parse_term(term: list[_Token]) -> tuple[tuple[Modifier, ...], _Token]:
    """``mod1*mod2*...*target``: returns the merged modifiers and the target token."""
    pieces: list[list[_Token]] = [[]]
    depth = 0
    for token in term:
        depth += token.text == "("
        depth -= token.text == ")"
        if token.text == "*" and depth == 0:
            if not pieces[-1]:
                raise _fail(token, "a modifier is missing before")
            pieces.append([])
        else:
            pieces[-1].append(token)
    if not pieces[-1]:
        raise _fail(term[-1], "a variable name must follow")
    *modifier_pieces, target_piece = pieces
    if len(target_piece) != 1 or target_piece[0].kind not in ("name", "number"):
        raise _fail(target_piece[0], "expected a variable name, found")
    merged: list[Modifier] = []
    for piece in modifier_pieces:
        merged = _merge(merged, _parse_modifier(piece), piece[0])
    return tuple(merged), target_piece[0]


def _parse_modifier(piece: list[_Token]) -> list[Modifier]:
    head = piece[0]
    if len(piece) == 1:
        return [_atom(head)]
    if len(piece) == 2 and head.text == "-" and piece[1].kind == "number":
        return [Modifier(fixed=-float(piece[1].text))]
    if head.kind != "name" or piece[1].text != "(" or piece[-1].text != ")":
        raise _fail(head, "cannot read the modifier starting at")
    items = _split_items(piece[2:-1], head)
    if head.text == "c":
        return [_item_atom(item, head) for item in items]
    if head.text == "start":
        return [Modifier(start=_number(item, head)) for item in items]
    if head.text in ("label", "equal"):
        return [Modifier(label=_string(item, head)) for item in items]
    raise _fail(head, "unknown modifier function")


def _split_items(tokens: list[_Token], head: _Token) -> list[list[_Token]]:
    items: list[list[_Token]] = [[]]
    for token in tokens:
        if token.text == ",":
            items.append([])
        else:
            items[-1].append(token)
    if any(not item for item in items):
        raise _fail(head, "an empty element in")
    return items


def _atom(token: _Token) -> Modifier:
    if token.kind == "number":
        return Modifier(fixed=float(token.text))
    if token.kind == "name":
        return Modifier(free=True) if token.text == "NA" else Modifier(label=token.text)
    if token.kind == "string":
        return Modifier(label=token.text[1:-1])
    raise _fail(token, "cannot use as a modifier")


def _item_atom(item: list[_Token], head: _Token) -> Modifier:
    if len(item) == 2 and item[0].text == "-" and item[1].kind == "number":
        return Modifier(fixed=-float(item[1].text))
    if len(item) != 1:
        raise _fail(item[0], "cannot read the element of c() starting at")
    return _atom(item[0])


def _number(item: list[_Token], head: _Token) -> float:
    sign = -1.0 if item[0].text == "-" else 1.0
    value = item[-1]
    if value.kind != "number" or len(item) > (2 if sign < 0 else 1):
        raise _fail(value, f"{head.text}() needs a number, found")
    return sign * float(value.text)


def _string(item: list[_Token], head: _Token) -> str:
    if len(item) != 1 or item[0].kind not in ("string", "name"):
        raise _fail(item[0], f"{head.text}() needs a quoted name, found")
    return item[0].text.strip("\"'")


def _merge(old: list[Modifier], new: list[Modifier], where: _Token) -> list[Modifier]:
    if not old:
        return new
    if len(old) != len(new) and 1 not in (len(old), len(new)):
        raise _fail(where, "modifier vectors of different lengths at")
    size = max(len(old), len(new))
    merged = []
    for i in range(size):
        a, b = old[min(i, len(old) - 1)], new[min(i, len(new) - 1)]
        merged.append(
            Modifier(
                fixed=b.fixed if b.fixed is not None else a.fixed,
                free=a.free or b.free,
                label=b.label or a.label,
                start=b.start if b.start is not None else a.start,
            )
        )
    return merged


def _key(lhs: str, op: str, rhs: str) -> tuple[str, str, str]:
    # x ~~ y and y ~~ x are the same parameter
    if op == "~~" and rhs < lhs:
        return rhs, op, lhs
    return lhs, op, rhs


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


# --------------------------------------------------------------------------- defaults


@dataclass
class _Roles:
    """Variable roles as lavaan's ``lavNames`` defines them."""

    latent: list[str]
    observed: list[str]
    ov_x: list[str]  # exogenous observed covariates (only predictors in regressions)
    lv_x: list[str]  # exogenous latent variables
    lvov_y: list[str]  # purely dependent latent and observed variables


def _roles(parsed: ParsedModel) -> _Roles:
    stmts = parsed.statements
    latent = parsed.latent
    observed = parsed.observed
    indicators = {s.rhs for s in stmts if s.op == "=~"}
    eqs_y = _unique(s.lhs for s in stmts if s.op == "~")
    eqs_x = _unique(s.rhs for s in stmts if s.op == "~")
    ov_x = [v for v in eqs_x if v not in latent and v not in indicators and v not in eqs_y]
    lv_x = [v for v in latent if v not in indicators and v not in eqs_y]
    lv_y = [v for v in latent if v in eqs_y and v not in indicators and v not in eqs_x]
    ov_y = [v for v in observed if v in eqs_y and v not in indicators and v not in eqs_x]
    return _Roles(latent, observed, [v for v in observed if v in ov_x], lv_x, lv_y + ov_y)


def build_parameter_table(
    parsed: ParsedModel,
    *,
    ngroups: int = 1,
    meanstructure: bool = False,
    std_lv: bool = False,
    fixed_x: bool = True,
    group_equal: Sequence[str] = (),
    group_partial: Sequence[str] = (),
) -> ParameterTable:
    """Expand parsed statements into lavaan's parameter table with cfa()/sem() defaults.

    Parameters
    ----------
    parsed : ParsedModel
    ngroups : int
        Number of groups; every group gets the same rows.
    meanstructure : bool
        Add intercepts (free for observed variables, fixed at 0 for latent means). Forced on
        when the syntax has ``~ 1``.
    std_lv : bool
        Identify latent scales by fixing their (residual) variances to 1 instead of the first
        loading.
    fixed_x : bool
        Fix the moments of exogenous observed covariates at their sample values.
    group_equal : sequence of str
        Cross-group equality constraints, any of :data:`GROUP_EQUAL_KINDS`.
    group_partial : sequence of str
        Parameters exempt from ``group_equal``, e.g. ``"x3 ~ 1"`` or ``"visual =~ x2"``.

    Returns
    -------
    ParameterTable
    """
    unknown = [kind for kind in group_equal if kind not in GROUP_EQUAL_KINDS]
    if unknown:
        raise ModelSyntaxError(
            f"unknown group_equal kind(s) {unknown}; choose from {list(GROUP_EQUAL_KINDS)}"
        )
    for stmt in parsed.statements:
        if len(stmt.modifiers) > 1 and len(stmt.modifiers) != ngroups:
            raise ModelSyntaxError(
                f"line {stmt.line}: c() has {len(stmt.modifiers)} values for "
                f"'{stmt.lhs} {stmt.op} {stmt.rhs}' but the data have {ngroups} group(s)"
            )
    meanstructure = meanstructure or ngroups > 1 or any(s.op == "~1" for s in parsed.statements)
    roles = _roles(parsed)
    partial = {_partial_key(text) for text in group_partial}
    rows: list[ParameterRow] = []
    for group in range(ngroups):
        for lhs, op, rhs, mod, user in _group_rows(parsed, roles, meanstructure, fixed_x):
            m = mod.modifier(group) if mod is not None else Modifier()
            row = ParameterRow(
                id=len(rows) + 1,
                lhs=lhs,
                op=op,
                rhs=rhs,
                group=group + 1,
                free=True,
                value=m.start,
                label=m.label or "",
                user=user,
            )
            _apply_defaults(row, m, roles, std_lv, fixed_x, parsed)
            rows.append(row)
    _equate_groups(rows, set(group_equal), partial, roles, std_lv)
    return ParameterTable(
        rows,
        roles.observed,
        roles.latent,
        roles.ov_x if fixed_x else [],
        ngroups,
        meanstructure,
        list(parsed.equalities),
    )


def _group_rows(
    parsed: ParsedModel, roles: _Roles, meanstructure: bool, fixed_x: bool
) -> list[tuple[str, str, str, Statement | None, bool]]:
    """User rows in syntax order, then lavaan's default rows not already given."""
    rows: list[tuple[str, str, str, Statement | None, bool]] = [
        (s.lhs, s.op, s.rhs, s, True) for s in parsed.statements
    ]
    taken = {_key(s.lhs, s.op, s.rhs) for s in parsed.statements}
    defaults: list[tuple[str, str, str]] = []
    ov_nox = [v for v in roles.observed if v not in roles.ov_x]
    defaults += [(v, "~~", v) for v in ov_nox + roles.latent]
    defaults += [(a, "~~", b) for a, b in itertools.combinations(roles.lv_x, 2)]
    defaults += [(a, "~~", b) for a, b in itertools.combinations(roles.lvov_y, 2)]
    # exogenous covariates: variances and covariances (lower triangle, lavaan order)
    for j, a in enumerate(roles.ov_x):
        defaults += [(a, "~~", b) for b in roles.ov_x[j:]]
    if meanstructure:
        defaults += [(v, "~1", "") for v in roles.observed + roles.latent]
    for lhs, op, rhs in defaults:
        if _key(lhs, op, rhs) not in taken:
            taken.add(_key(lhs, op, rhs))
            rows.append((lhs, op, rhs, None, False))
    return rows


def _apply_defaults(
    row: ParameterRow,
    mod: Modifier,
    roles: _Roles,
    std_lv: bool,
    fixed_x: bool,
    parsed: ParsedModel,
) -> None:
    latent = set(roles.latent)
    if (
        fixed_x
        and row.lhs in roles.ov_x
        and row.op in ("~~", "~1")
        and (row.op == "~1" or row.rhs in roles.ov_x)
    ):
        # lavaan fixes the moments of exogenous covariates at their sample values
        row.free, row.exo, row.value = False, True, None
        return
    if mod.fixed is not None:
        row.free, row.value = False, mod.fixed
        return
    if mod.free:
        return
    if row.op == "=~" and not std_lv and _is_first_indicator(row, parsed):
        row.free, row.value = False, 1.0  # auto.fix.first: the marker loading
    elif row.op == "~~" and row.lhs == row.rhs and row.lhs in latent and std_lv:
        row.free, row.value = False, 1.0
    elif row.user:
        return  # a relation written without a modifier is free
    elif row.op == "~1" and row.lhs in latent:
        row.free, row.value = False, 0.0  # latent means are 0 unless freed
    elif row.op == "~~" and row.lhs == row.rhs and _single_indicator(row.lhs, parsed):
        row.free, row.value = False, 0.0  # auto.fix.single


def _is_first_indicator(row: ParameterRow, parsed: ParsedModel) -> bool:
    first = next(s for s in parsed.statements if s.op == "=~" and s.lhs == row.lhs)
    return first.rhs == row.rhs


def _single_indicator(variable: str, parsed: ParsedModel) -> bool:
    """An observed variable that is the only indicator of some latent variable."""
    for lv in parsed.latent:
        indicators = [s.rhs for s in parsed.statements if s.op == "=~" and s.lhs == lv]
        if indicators == [variable] and variable not in parsed.latent:
            return True
    return False


def _kind(row: ParameterRow, roles: _Roles) -> str:
    latent = set(roles.latent)
    if row.op == "=~":
        return "loadings"
    if row.op == "~":
        return "regressions"
    if row.op == "~1":
        return "means" if row.lhs in latent else "intercepts"
    both_latent = row.lhs in latent and row.rhs in latent
    if row.lhs == row.rhs:
        return "lv.variances" if both_latent else "residuals"
    return "lv.covariances" if both_latent else "residual.covariances"


def _partial_key(text: str) -> tuple[str, str, str]:
    compact = text.replace(" ", "")
    for op in ("=~", "~~", "~1", "~"):
        if op == "~1" and compact.endswith("~1"):
            return compact[:-2], "~1", ""
        if op in compact and op != "~1":
            lhs, rhs = compact.split(op, 1)
            return _key(lhs, op, rhs)
    raise ModelSyntaxError(f"cannot read group_partial entry {text!r} (expected e.g. 'x3 ~ 1')")


def _equate_groups(
    rows: list[ParameterRow],
    kinds: set[str],
    partial: set[tuple[str, str, str]],
    roles: _Roles,
    std_lv: bool,
) -> None:
    """Give matching free parameters of every group a shared label (lavaan's ``.pN.``)."""
    first = {_key(r.lhs, r.op, r.rhs): r for r in rows if r.group == 1}
    latent = set(roles.latent)
    for row in rows:
        if row.group == 1:
            continue
        key = _key(row.lhs, row.op, row.rhs)
        # Once intercepts are equal, latent means in groups 2..G carry the group differences;
        # once loadings are equal under std.lv, latent variances in groups 2..G do.
        if row.user is False and row.lhs in latent:
            if row.op == "~1" and "intercepts" in kinds and "means" not in kinds:
                row.free, row.value = True, None
            lv_variance = row.op == "~~" and row.lhs == row.rhs
            if lv_variance and std_lv and "loadings" in kinds and "lv.variances" not in kinds:
                row.free, row.value = True, None
        if _kind(row, roles) not in kinds or key in partial or row.label:
            continue
        anchor = first[key]
        if not (row.free and anchor.free):
            continue
        if not anchor.label:
            anchor.label = f".p{anchor.id}."
        row.label = anchor.label
