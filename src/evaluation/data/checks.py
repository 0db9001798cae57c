"""Cross-field and cross-table checks on typed frames; each returns a list of ``Problem``.

The loaders call these on frames whose index is the spreadsheet row number (header = row 1),
so every problem names its row. Values that are missing were already reported by the loader
and are skipped here. Errors: a figure that cannot be true (a total that is not the sum of its
parts, a funnel stage larger than the one before, an answer before the call arrived, a
duplicate key, a date in the future). Warnings: a figure that may be true but needs a look (a
month outside the reporting period, an unusual target).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import pandas as pd

from evaluation.errors import Problem, Severity

__all__ = [
    "CROSS_FIELD_CHECKS",
    "MAX_LISTED",
    "cross_field_checks",
    "duplicate_keys",
    "exactly_one",
    "flag_rows",
    "funnel_not_growing",
    "future_values",
    "not_before",
    "not_more_than",
    "only_if",
    "outside_period",
    "percentages_sum_to_100",
    "reconcile_call_logs",
    "reconcile_public_contact",
    "totals_equal_sum",
]

MAX_LISTED = 100
"""Problems listed one by one per check and file; the rest are counted in one summary line."""


def _mask(values: pd.Series) -> pd.Series:
    """A plain bool mask, missing treated as False."""
    return pd.Series(values, dtype="boolean").fillna(False).astype(bool)


def _fmt(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        if value.hour == 0 and value.minute == 0 and value.second == 0:
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def flag_rows(
    df: pd.DataFrame,
    mask: pd.Series,
    *,
    file: str,
    column: str | None,
    message: str,
    describe: Callable[[pd.Series], str] | None = None,
    expected: str | None = None,
    severity: Severity = "error",
) -> list[Problem]:
    """One problem per flagged row (up to ``MAX_LISTED``), then one line counting the rest."""
    rows = df.index[_mask(mask).to_numpy()]
    out: list[Problem] = []
    for row in rows[:MAX_LISTED]:
        value = describe(df.loc[row]) if describe else None
        out.append(
            Problem(file, message, row=int(row), column=column, value=value, expected=expected,
                    severity=severity)
        )
    if len(rows) > MAX_LISTED:
        rest = rows[MAX_LISTED:]
        out.append(
            Problem(
                file,
                f"{message}: {len(rest)} more row(s) like this (rows {rest[0]} to {rest[-1]})",
                column=column,
                expected=expected,
                severity=severity,
            )
        )
    return out


def duplicate_keys(
    df: pd.DataFrame, key: Sequence[str], file: str, *, months: Sequence[str] = ()
) -> list[Problem]:
    """Rows whose key repeats an earlier row (the first occurrence is not flagged)."""
    key = [k for k in key if k in df.columns]
    if not key or df.empty:
        return []
    dup = df.duplicated(subset=key, keep="first")
    if not dup.any():
        return []
    first_row = (
        pd.Series(df.index, index=df.index)
        .groupby([df[k] for k in key], dropna=False, sort=False)
        .transform("first")
    )
    label = key[0] if len(key) == 1 else "(" + ", ".join(key) + ")"

    def describe(row: pd.Series) -> str:
        vals = [f"{row[k]:%Y-%m}" if k in months and pd.notna(row[k]) else _fmt(row[k])
                for k in key]
        return vals[0] if len(vals) == 1 else "(" + ", ".join(vals) + ")"

    problems = flag_rows(
        df, dup, file=file, column=key[0], describe=describe,
        message=f"duplicate key {label}", expected="each key once",
    )
    # name the earlier row in each message
    out = []
    for p in problems:
        if p.row is not None:
            msg = f"{p.message}: same as row {int(first_row.loc[p.row])}"
            out.append(Problem(p.file, msg, p.row, p.column, p.value, p.expected, p.severity))
        else:
            out.append(p)
    return out


def not_more_than(
    df: pd.DataFrame, parts: Sequence[str], whole: str, file: str, *, message: str | None = None
) -> list[Problem]:
    """Error where the sum of ``parts`` exceeds ``whole``."""
    total = sum((df[p].astype("Float64") for p in parts), start=pd.Series(0.0, index=df.index))
    bad = total > df[whole].astype("Float64")
    label = " + ".join(parts)

    def describe(row: pd.Series) -> str:
        vals = " + ".join(f"{p} {_fmt(row[p])}" for p in parts)
        return f"{vals} > {whole} {_fmt(row[whole])}"

    return flag_rows(
        df, bad, file=file, column=parts[0], describe=describe,
        message=message or f"{label} is more than {whole}", expected=f"{label} <= {whole}",
    )


def totals_equal_sum(
    df: pd.DataFrame, total: str, parts: Sequence[str], file: str
) -> list[Problem]:
    """Error where ``total`` is not the sum of ``parts``."""
    s = sum((df[p].astype("Float64") for p in parts), start=pd.Series(0.0, index=df.index))
    bad = s != df[total].astype("Float64")
    label = " + ".join(parts)

    def describe(row: pd.Series) -> str:
        vals = " + ".join(_fmt(row[p]) for p in parts)
        return f"{total} {_fmt(row[total])}, {label} = {vals} = {_fmt(sum(row[p] for p in parts))}"

    return flag_rows(
        df, bad, file=file, column=total, describe=describe,
        message=f"total {total} is not the sum of its parts", expected=f"{total} = {label}",
    )


def funnel_not_growing(df: pd.DataFrame, stages: Sequence[str], file: str) -> list[Problem]:
    """Error where a funnel stage is larger than the stage before it."""
    out: list[Problem] = []
    for before, after in zip(stages, stages[1:], strict=False):
        bad = df[after].astype("Float64") > df[before].astype("Float64")
        out += flag_rows(
            df, bad, file=file, column=after,
            describe=lambda r, a=after, b=before: f"{a} {_fmt(r[a])} > {b} {_fmt(r[b])}",
            message=f"funnel stage grows: {after} is larger than {before}",
            expected=f"{after} <= {before}",
        )
    return out


def not_before(
    df: pd.DataFrame, earlier: str, later: str, file: str, *, message: str | None = None
) -> list[Problem]:
    """Error where ``later`` is before ``earlier`` (both present)."""
    bad = df[later] < df[earlier]
    return flag_rows(
        df, bad, file=file, column=later,
        describe=lambda r: f"{later} {_fmt(r[later])} < {earlier} {_fmt(r[earlier])}",
        message=message or f"{later} is before {earlier}", expected=f"{later} >= {earlier}",
    )


def exactly_one(df: pd.DataFrame, a: str, b: str, file: str) -> list[Problem]:
    """Error where both or neither of ``a`` and ``b`` are filled in."""
    both = df[a].notna() & df[b].notna()
    neither = df[a].isna() & df[b].isna()
    expected = f"exactly one of {a} and {b}"
    return flag_rows(
        df, both, file=file, column=b, message=f"both {a} and {b} are filled in",
        describe=lambda r: f"{_fmt(r[a])} and {_fmt(r[b])}", expected=expected,
    ) + flag_rows(
        df, neither, file=file, column=a, message=f"neither {a} nor {b} is filled in",
        expected=expected,
    )


def only_if(df: pd.DataFrame, value: str, flag: str, file: str) -> list[Problem]:
    """Error where ``value`` is filled in but ``flag`` is false."""
    bad = df[value].notna() & ~_mask(df[flag])
    return flag_rows(
        df, bad, file=file, column=value, describe=lambda r: _fmt(r[value]),
        message=f"{value} is filled in but {flag} is false",
        expected=f"blank unless {flag} is true",
    )


def future_values(
    df: pd.DataFrame, columns: dict[str, str], today: date, file: str
) -> list[Problem]:
    """Error for dates after ``today`` (months: after today's month). ``columns``: name→kind."""
    out: list[Problem] = []
    day = pd.Timestamp(today)
    for col, kind in columns.items():
        if col not in df.columns:
            continue
        if kind == "month":
            limit = day.to_period("M").to_timestamp()
            bad = df[col] > limit
            expected = f"a month no later than {limit:%Y-%m}"
        elif kind == "datetime":
            limit = day + pd.Timedelta(days=1)
            bad = df[col] >= limit
            expected = f"no later than {today:%Y-%m-%d}"
        else:
            bad = df[col] > day
            expected = f"a date no later than {today:%Y-%m-%d}"
        out += flag_rows(
            df, bad, file=file, column=col, message="date in the future", expected=expected,
            describe=lambda r, c=col, k=kind: f"{r[c]:%Y-%m}" if k == "month" else _fmt(r[c]),
        )
    return out


def outside_period(
    df: pd.DataFrame,
    column: str,
    kind: str,
    file: str,
    period_start: date | None,
    period_end: date | None,
) -> list[Problem]:
    """One warning per file counting rows whose date or month lies outside the period."""
    if column not in df.columns or (period_start is None and period_end is None):
        return []
    values = df[column]
    start_of = values.dt.to_period("M").dt.to_timestamp() if kind == "month" else values.dt.floor(
        "D"
    )
    end_of = (
        (values.dt.to_period("M") + 1).dt.to_timestamp() - pd.Timedelta(days=1)
        if kind == "month"
        else values.dt.floor("D")
    )
    bad = pd.Series(False, index=df.index)
    if period_start is not None:
        bad |= _mask(end_of < pd.Timestamp(period_start))
    if period_end is not None:
        bad |= _mask(start_of > pd.Timestamp(period_end))
    if not bad.any():
        return []
    rows = df.index[bad.to_numpy()]
    shown = values[bad]
    fmt = "%Y-%m" if kind == "month" else "%Y-%m-%d"
    span = f"{shown.min():{fmt}} to {shown.max():{fmt}}"
    listed = ", ".join(str(r) for r in rows[:10]) + (" ..." if len(rows) > 10 else "")
    return [
        Problem(
            file,
            f"{len(rows)} row(s) outside the reporting period (values {span}; rows {listed})",
            row=int(rows[0]),
            column=column,
            expected=f"between {period_start or 'the start'} and {period_end or 'the end'}",
            severity="warning",
        )
    ]


def _decimals(values: pd.Series) -> int:
    """Decimal places the percentages were rounded to (0-3)."""
    for d in range(4):
        if ((values * 10**d).round(6) % 1 == 0).all():
            return d
    return 3


def percentages_sum_to_100(
    df: pd.DataFrame,
    file: str,
    *,
    percent: str = "percent",
    by: str | None = None,
    tolerance: float | None = None,
) -> list[Problem]:
    """Error where a group's percentages do not add up to 100 within rounding.

    The default tolerance is the largest possible rounding error: half a unit of the last
    decimal place used, times the number of rows in the group (e.g. 5 whole-number percents
    may sum to 97.5-102.5).
    """
    out: list[Problem] = []
    frame = df[df[percent].notna()]
    groups = [(None, frame)] if by is None or by not in frame.columns else list(
        frame.groupby(by, dropna=False, sort=False)
    )
    for name, part in groups:
        if part.empty:
            continue
        tol = tolerance
        if tol is None:
            tol = 0.5 * 10 ** -_decimals(part[percent].astype(float)) * len(part)
        total = float(part[percent].sum())
        if abs(total - 100) > tol + 1e-9:
            where = "" if name is None or pd.isna(name) else f" for {by} '{name}'"
            out.append(
                Problem(
                    file,
                    f"percentages{where} add up to {total:g}, not 100 "
                    f"(rows {part.index[0]} to {part.index[-1]})",
                    row=int(part.index[-1]),
                    column=percent,
                    value=f"{total:g}",
                    expected=f"100 within rounding (+/- {tol:g})",
                )
            )
    return out


def _call_logs(df: pd.DataFrame, file: str) -> list[Problem]:
    out = exactly_one(df, "answered_at", "abandoned_at", file)
    out += not_before(df, "received_at", "answered_at", file,
                      message="answered before the call was received")
    out += not_before(df, "received_at", "abandoned_at", file,
                      message="abandoned before the call was received")
    out += only_if(df, "secondary_answered_at", "transferred_to_secondary", file)
    transferred_unanswered = _mask(df["transferred_to_secondary"]) & df["answered_at"].isna()
    out += flag_rows(
        df, transferred_unanswered & df["abandoned_at"].notna(), file=file,
        column="transferred_to_secondary", message="an abandoned call cannot be transferred",
        expected="false when the call was abandoned",
    )
    out += not_before(df, "answered_at", "secondary_answered_at", file,
                      message="secondary handler answered before the first handler")
    out += only_if(df, "callback_made_at", "callback_requested", file)
    out += not_before(df, "received_at", "callback_made_at", file,
                      message="callback made before the call was received")
    if "ended_at" in df.columns:  # optional: older extracts have no handle times
        out += not_before(df, "answered_at", "ended_at", file,
                          message="call ended before it was answered")
        out += flag_rows(
            df, df["ended_at"].notna() & df["abandoned_at"].notna(), file=file,
            column="ended_at", describe=lambda r: _fmt(r["ended_at"]),
            message="ended_at is filled in but the call was abandoned",
            expected="blank when the call was abandoned",
        )
    return out


def _call_handling_monthly(df: pd.DataFrame, file: str) -> list[Problem]:
    out = totals_equal_sum(df, "offered", ["answered", "abandoned"], file)
    out += not_more_than(df, ["answered_within_target"], "answered", file)
    out += not_more_than(df, ["transferred_to_secondary"], "answered", file)
    usual = df["line"].map({"999": 10, "101": 30}).astype("Float64")
    odd = df["target_s"].astype("Float64") != usual
    out += flag_rows(
        df, odd, file=file, column="target_s", severity="warning",
        describe=lambda r: f"{_fmt(r['target_s'])} for line {r['line']}",
        message="answer target differs from the usual one",
        expected="10 seconds for 999, 30 seconds for 101",
    )
    return out


def _victims_hub(df: pd.DataFrame, file: str) -> list[Problem]:
    out = funnel_not_growing(df, ["referred", "contacted", "supported"], file)
    grew = (df["contacted"].astype("Float64") > df["referred"].astype("Float64")).fillna(False)
    sub = df[~grew.astype(bool)]
    out += not_more_than(sub, ["contacted", "not_contactable"], "referred", file)
    grew2 = (df["supported"].astype("Float64") > df["contacted"].astype("Float64")).fillna(False)
    sub2 = df[~grew2.astype(bool)]
    out += not_more_than(sub2, ["supported", "declined"], "contacted", file)
    return out


def _grants(df: pd.DataFrame, file: str) -> list[Problem]:
    out = not_before(df, "start_date", "end_date", file, message="grant ends before it starts")
    out += not_more_than(df, ["completers"], "participants", file,
                         message="more completers than participants")
    return out


CROSS_FIELD_CHECKS: dict[str, Callable[[pd.DataFrame, str], list[Problem]]] = {
    "call_logs": _call_logs,
    "call_handling_monthly": _call_handling_monthly,
    "victims_hub": _victims_hub,
    "grants": _grants,
    "correspondence": lambda df, f: not_before(
        df, "received_date", "responded_date", f, message="reply dated before the item arrived"
    ),
    "satisfaction_comparators": lambda df, f: not_more_than(
        df, ["satisfied"], "respondents", f, message="more satisfied than respondents"
    ),
    "public_confidence": lambda df, f: not_more_than(
        df, ["agreeing"], "respondents", f, message="more agreeing than respondents"
    ),
    "percentage_mix": lambda df, f: percentages_sum_to_100(df, f, by="group"),
}


def cross_field_checks(dataset: str, df: pd.DataFrame, file: str) -> list[Problem]:
    """The cross-field checks registered for ``dataset`` (none for most monthly counts)."""
    check = CROSS_FIELD_CHECKS.get(dataset)
    return check(df, file) if check else []


def _row_numbers(df: pd.DataFrame) -> list[int]:
    """Spreadsheet rows of ``df``'s records: the loader's ``attrs["row_numbers"]``
    (:class:`evaluation.data.loaders.RowNumbers`, or any sequence of ints) when it matches the
    frame, else header + 1-based position."""
    rows = df.attrs.get("row_numbers")
    if rows is not None and not isinstance(rows, str | bytes) and len(rows) == len(df):
        return [int(r) for r in rows]
    return [i + 2 for i in range(len(df))]


def reconcile_call_logs(
    call_logs: pd.DataFrame,
    monthly: pd.DataFrame,
    *,
    monthly_file: str = "call_handling_monthly",
) -> list[Problem]:
    """Errors where monthly aggregates disagree with the call logs of the same month and line.

    Compares offered, answered, abandoned and transferred_to_secondary for every (month, line)
    present in both tables. Rows are those of the monthly table.
    """
    logs = call_logs.assign(
        month=call_logs["received_at"].dt.to_period("M").dt.to_timestamp(),
        _answered=call_logs["answered_at"].notna(),
        _abandoned=call_logs["abandoned_at"].notna(),
        _transferred=call_logs["transferred_to_secondary"].astype(bool),
    )
    agg = logs.groupby(["month", "line"]).agg(
        offered=("call_id", "size"),
        answered=("_answered", "sum"),
        abandoned=("_abandoned", "sum"),
        transferred_to_secondary=("_transferred", "sum"),
    )
    out: list[Problem] = []
    rows = _row_numbers(monthly)
    for pos, rec in enumerate(monthly.itertuples(index=False)):
        key = (pd.Timestamp(rec.month), str(rec.line))
        if key not in agg.index:
            continue
        for col in ("offered", "answered", "abandoned", "transferred_to_secondary"):
            want = int(agg.loc[key, col])
            got = int(getattr(rec, col))
            if got != want:
                out.append(
                    Problem(
                        monthly_file,
                        f"{col} for {key[0]:%Y-%m} line {key[1]} differs from the call logs",
                        row=rows[pos], column=col, value=got, expected=f"{want} (from call_logs)",
                    )
                )
    return out


def reconcile_public_contact(
    public_contact: pd.DataFrame,
    monthly: pd.DataFrame,
    *,
    contact_file: str = "public_contact",
) -> list[Problem]:
    """Warnings where 999/101 contacts differ from calls offered in call_handling_monthly.

    A warning, not an error: some forces count contacts after removing repeat calls.
    """
    offered = monthly.set_index(["month", "line"])["offered"]
    out: list[Problem] = []
    rows = _row_numbers(public_contact)
    for pos, rec in enumerate(public_contact.itertuples(index=False)):
        key = (pd.Timestamp(rec.month), str(rec.channel))
        if key not in offered.index:
            continue
        want = int(offered.loc[key])
        if int(rec.contacts) != want:
            out.append(
                Problem(
                    contact_file,
                    f"{key[1]} contacts for {key[0]:%Y-%m} differ from calls offered",
                    row=rows[pos], column="contacts", value=int(rec.contacts),
                    expected=f"{want} (offered in call_handling_monthly)", severity="warning",
                )
            )
    return out
