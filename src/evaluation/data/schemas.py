"""Data contracts: one pandera schema per dataset, the single source of the column rules.

Each column carries ``metadata`` used by the loaders and by ``docs/data.md``:

- ``kind``: how the raw cell is read: ``text``, ``int``, ``float``, ``bool``, ``month``
  (``YYYY-MM``), ``date`` (``YYYY-MM-DD``) or ``datetime`` (``YYYY-MM-DD HH:MM:SS``);
- ``example``: a value as written in the file;
- ``allowed``: the allowed values of a coded column (or ``None``);
- ``future_ok``: a date that may lie in the future (e.g. a grant's planned end date).

Schema ``metadata`` holds ``key`` (columns that identify a row), ``period_column`` (the column
compared with the reporting period) and ``optional_columns`` (columns that may be absent).

Dtypes of a validated frame: text ``string``; counts ``int64`` (``Int64`` where blank is
allowed); measures ``float64``; flags ``bool``; months, dates and datetimes ``datetime64[ns]``
(a month is the first day of that month at midnight).
"""

from __future__ import annotations

from typing import Any

import pandera.pandas as pa

__all__ = [
    "CHANNELS",
    "CORRESPONDENCE_CHANNELS",
    "CRIME_GROUPS",
    "DISTRICTS",
    "FUNDS",
    "LINES",
    "SATISFACTION_LABELS",
    "SATISFACTION_QUESTIONS",
    "SATISFIED_LABELS",
    "SCHEMAS",
    "columns_of",
    "kind_of",
]

CHANNELS = (
    "999",
    "101",
    "online report",
    "web chat",
    "email",
    "front counter",
    "social media",
)
LINES = ("999", "101")
CRIME_GROUPS = (
    "burglary",
    "vehicle crime",
    "violent crime",
    "criminal damage",
    "theft",
    "hate crime",
    "other",
)
SATISFACTION_LABELS = (
    "completely satisfied",
    "very satisfied",
    "fairly satisfied",
    "neither satisfied nor dissatisfied",
    "fairly dissatisfied",
    "very dissatisfied",
    "completely dissatisfied",
)
SATISFIED_LABELS = SATISFACTION_LABELS[:3]
SATISFACTION_QUESTIONS = (
    "ease_of_contact",
    "actions_taken",
    "kept_informed",
    "treatment",
    "whole_experience",
)
ETHNICITIES = ("White", "Mixed", "Asian", "Black", "Other")
AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65+")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FUNDS = ("Youth Fund", "Community Safety Partnership", "Commissioned service", "Other")
CORRESPONDENCE_CHANNELS = ("email", "letter", "phone", "web form", "social media")
ACTIVITY_TYPES = (
    "surgery",
    "street surgery",
    "parish council meeting",
    "town council meeting",
    "local police panel",
    "police contact point",
    "community event",
    "conference",
    "partnership meeting",
    "school visit",
    "media interview",
)
ENGAGEMENT_MODES = ("listen", "respond", "consult", "collaborate", "empower")
DISTRICTS = (
    "Cambridge",
    "East Cambridgeshire",
    "Fenland",
    "Huntingdonshire",
    "Peterborough",
    "South Cambridgeshire",
)

_DTYPES = {
    "text": ("string", "string"),
    "int": ("int64", "Int64"),
    "float": ("float64", "float64"),
    "bool": ("bool", "boolean"),
    "month": ("datetime64[ns]", "datetime64[ns]"),
    "date": ("datetime64[ns]", "datetime64[ns]"),
    "datetime": ("datetime64[ns]", "datetime64[ns]"),
}


def _quote(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _col(
    kind: str,
    description: str,
    example: str,
    *,
    allowed: tuple[str, ...] | None = None,
    nullable: bool = False,
    ge: float | None = None,
    le: float | None = None,
    required: bool = True,
    future_ok: bool = False,
) -> pa.Column:
    """A column with its reading kind, allowed values, range and documentation."""
    checks: list[pa.Check] = []
    if allowed is not None:
        checks.append(
            pa.Check.isin(list(allowed), error=f"value not allowed|one of {_quote(allowed)}")
        )
    if ge is not None and le is not None:
        checks.append(
            pa.Check.in_range(ge, le, error=f"value out of range|a number from {ge:g} to {le:g}")
        )
    elif ge == 0:
        checks.append(pa.Check.ge(0, error="negative value|0 or more"))
    elif ge is not None:
        checks.append(pa.Check.ge(ge, error=f"value too small|{ge:g} or more"))
    dtype = _DTYPES[kind][1 if nullable else 0]
    return pa.Column(
        dtype,
        checks=checks,
        nullable=nullable,
        required=required,
        description=description,
        metadata={"kind": kind, "example": example, "allowed": allowed, "future_ok": future_ok},
    )


def _count(description: str, example: str = "120", *, nullable: bool = False) -> pa.Column:
    return _col("int", description, example, nullable=nullable, ge=0)


def _schema(
    name: str,
    description: str,
    columns: dict[str, pa.Column],
    *,
    key: tuple[str, ...] = (),
    period_column: str | None = None,
    optional_columns: tuple[str, ...] = (),
) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        columns,
        name=name,
        description=description,
        unique=list(key) if key else None,
        coerce=True,
        strict=False,
        metadata={
            "key": key,
            "period_column": period_column,
            "optional_columns": optional_columns,
        },
    )


_SAT_QUESTION_TEXT = {
    "ease_of_contact": "Satisfaction with making contact with the police",
    "actions_taken": "Satisfaction with the actions taken by the police",
    "kept_informed": "Satisfaction with being kept informed of progress",
    "treatment": "Satisfaction with the way they were treated by officers and staff",
    "whole_experience": "Satisfaction with the whole experience",
}

_POLICEUK_LOCATION = {
    "Crime ID": _col("text", "police.uk crime identifier (64 hex characters); blank for "
                     "anti-social behaviour", "80d5717b69be…", nullable=True),
    "Month": _col("month", "Month the crime was reported (outcomes: month the outcome was "
                  "recorded)", "2018-10"),
    "Reported by": _col("text", "Force that provided the record", "Cambridgeshire Constabulary"),
    "Falls within": _col("text", "Force area the record falls within",
                         "Cambridgeshire Constabulary"),
    "Longitude": _col("float", "Anonymised snap-point longitude; blank when no location",
                      "-0.486421", nullable=True, ge=-180, le=180),
    "Latitude": _col("float", "Anonymised snap-point latitude; blank when no location",
                     "52.194970", nullable=True, ge=-90, le=90),
    "Location": _col("text", "Snap-point description, or 'No location'", "On or near Prison",
                     nullable=True),
    "LSOA code": _col("text", "2011 Lower Layer Super Output Area code; blank when no location",
                      "E01017478", nullable=True),
    "LSOA name": _col("text", "LSOA name: local authority name and a code", "Bedford 003A",
                      nullable=True),
}

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "public_contact": _schema(
        "public_contact",
        "Contacts from the public per month and channel.",
        {
            "month": _col("month", "Calendar month", "2015-04"),
            "channel": _col("text", "Contact channel", "101", allowed=CHANNELS),
            "contacts": _count("Contacts received in the month", "30412"),
        },
        key=("month", "channel"),
        period_column="month",
    ),
    "call_logs": _schema(
        "call_logs",
        "One row per 999 or 101 call, from the telephony system.",
        {
            "call_id": _col("text", "Unique call reference", "C000001"),
            "line": _col("text", "Line called", "101", allowed=LINES),
            "received_at": _col("datetime", "When the call reached the queue",
                                "2015-04-01 08:00:12"),
            "answered_at": _col("datetime", "When a call handler answered; blank if abandoned",
                                "2015-04-01 08:00:31", nullable=True),
            "abandoned_at": _col("datetime", "When the caller hung up unanswered; blank if "
                                 "answered", "", nullable=True),
            "transferred_to_secondary": _col("bool", "Passed to a secondary (resolution) "
                                             "handler", "true"),
            "secondary_answered_at": _col("datetime", "When the secondary handler picked up; "
                                          "only if transferred", "2015-04-01 08:04:02",
                                          nullable=True),
            "callback_requested": _col("bool", "Caller asked to be called back", "false"),
            "callback_made_at": _col("datetime", "When the callback was made; only if "
                                     "requested", "", nullable=True),
            "ended_at": _col("datetime", "When the first call handler finished the call "
                             "(answered_at + handle time); blank if abandoned (optional "
                             "column)", "2015-04-01 08:07:31", nullable=True, required=False),
        },
        key=("call_id",),
        period_column="received_at",
        optional_columns=("ended_at",),
    ),
    "call_handling_monthly": _schema(
        "call_handling_monthly",
        "Monthly call-handling aggregates for forces without call-level logs.",
        {
            "month": _col("month", "Calendar month", "2015-04"),
            "line": _col("text", "Line", "101", allowed=LINES),
            "offered": _count("Calls offered (answered + abandoned)", "30012"),
            "answered": _count("Calls answered", "28900"),
            "answered_within_target": _count("Calls answered within target_s seconds", "27166"),
            "abandoned": _count("Calls abandoned before answer", "1112"),
            "transferred_to_secondary": _count("Answered calls passed to a secondary handler",
                                               "14450"),
            "mean_secondary_wait_s": _col("float", "Mean wait for the secondary handler, "
                                          "seconds", "210.5", nullable=True, ge=0),
            "target_s": _col("int", "Answer target in seconds (10 for 999, 30 for 101)", "30",
                             ge=1),
            "call_handlers_fte": _col("float", "Call handlers in post, full-time equivalent",
                                      "62.5", nullable=True, ge=0),
        },
        key=("month", "line"),
        period_column="month",
    ),
    "victim_satisfaction": _schema(
        "victim_satisfaction",
        "One row per victim user-satisfaction survey response (Home Office questions).",
        {
            "response_id": _col("text", "Unique response reference", "R2015-000123"),
            "interview_month": _col("month", "Month of the interview", "2015-03"),
            "crime_group": _col("text", "Crime group of the victim's crime", "burglary",
                                allowed=CRIME_GROUPS),
            **{
                q: _col("text", f"{text} (7-point scale; blank = not asked or don't know, "
                        "excluded from the base)", "very satisfied",
                        allowed=SATISFACTION_LABELS, nullable=True)
                for q, text in _SAT_QUESTION_TEXT.items()
            },
            "ethnicity": _col("text", "Ethnic group (optional column)", "White",
                              allowed=ETHNICITIES, nullable=True, required=False),
            "age_band": _col("text", "Age band (optional column)", "35-44", allowed=AGE_BANDS,
                             nullable=True, required=False),
        },
        key=("response_id",),
        period_column="interview_month",
        optional_columns=("ethnicity", "age_band"),
    ),
    "call_handler_rota": _schema(
        "call_handler_rota",
        "A typical week's call-handler rota, by line, weekday and hour.",
        {
            "line": _col("text", "Line", "999", allowed=LINES),
            "weekday": _col("text", "Day of the week", "Monday", allowed=WEEKDAYS),
            "hour": _col("int", "Hour of the day (0-23)", "8", ge=0, le=23),
            "handlers_on_shift": _col("float", "Handlers on shift in that hour", "12.5", ge=0),
        },
        key=("line", "weekday", "hour"),
    ),
    "satisfaction_comparators": _schema(
        "satisfaction_comparators",
        "National or peer satisfaction figures for 12-month windows.",
        {
            "area": _col("text", "Area, e.g. 'England and Wales' or a force name",
                         "England and Wales"),
            "period_end": _col("month", "Last month of the 12-month window", "2015-03"),
            "question": _col("text", "Survey question", "whole_experience",
                             allowed=SATISFACTION_QUESTIONS),
            "respondents": _count("Respondents answering the question", "51234"),
            "satisfied": _count("Respondents completely, very or fairly satisfied", "42934"),
        },
        key=("area", "period_end", "question"),
        period_column="period_end",
    ),
    "public_confidence": _schema(
        "public_confidence",
        "Public confidence survey measures, rolling 12 months.",
        {
            "period_end": _col("month", "Last month of the rolling 12 months", "2012-12"),
            "measure": _col("text", "Measure, e.g. 'police deal with local concerns'",
                            "police deal with local concerns"),
            "respondents": _count("Respondents asked", "1500"),
            "agreeing": _count("Respondents agreeing", "1023"),
        },
        key=("period_end", "measure"),
        period_column="period_end",
    ),
    "victims_hub": _schema(
        "victims_hub",
        "Victims' Hub referrals per month, as a funnel.",
        {
            "month": _col("month", "Calendar month", "2014-10"),
            "referred": _count("Victims referred to the hub", "420"),
            "contacted": _count("Victims the hub reached", "340"),
            "not_contactable": _count("Not contactable after three attempts", "80"),
            "supported": _count("Contacted victims who accepted support", "260"),
            "declined": _count("Contacted victims who declined support", "50"),
        },
        key=("month",),
        period_column="month",
    ),
    "grants": _schema(
        "grants",
        "Register of grants awarded by the commissioner.",
        {
            "grant_id": _col("text", "Unique grant reference", "YF-2015-001"),
            "fund": _col("text", "Fund the grant came from", "Youth Fund", allowed=FUNDS),
            "recipient": _col("text", "Organisation receiving the grant", "Fenland Youth Club"),
            "district": _col("text", "District the grant serves", "Fenland"),
            "amount_gbp": _col("float", "Amount awarded, pounds", "1500", ge=0),
            "award_date": _col("date", "Date of the award decision", "2015-06-15"),
            "start_date": _col("date", "Planned start", "2015-07-01", future_ok=True),
            "end_date": _col("date", "Planned end (on or after start_date)", "2016-03-31",
                             future_ok=True),
            "participants": _count("People taking part", "48", nullable=True),
            "completers": _count("People completing (no more than participants)", "40",
                                 nullable=True),
            "outcome_measure": _col("text", "What the project measured", "school attendance",
                                    nullable=True),
            "outcome_target": _col("float", "Target value of the outcome measure", "0.9",
                                   nullable=True),
            "outcome_achieved": _col("float", "Value achieved", "0.87", nullable=True),
        },
        key=("grant_id",),
        period_column="award_date",
    ),
    "correspondence": _schema(
        "correspondence",
        "One row per item of correspondence received by the office.",
        {
            "item_id": _col("text", "Unique item reference", "COR-2016-0001"),
            "received_date": _col("date", "Date received", "2016-05-03"),
            "topic": _col("text", "Topic, e.g. 'police visibility', 'call handling'",
                          "call handling"),
            "channel": _col("text", "How it arrived", "email", allowed=CORRESPONDENCE_CHANNELS),
            "responded_date": _col("date", "Date of the reply; blank if not yet replied (on or "
                                   "after received_date)", "2016-05-10", nullable=True),
        },
        key=("item_id",),
        period_column="received_date",
    ),
    "engagement_activities": _schema(
        "engagement_activities",
        "One row per engagement activity by the commissioner or office.",
        {
            "activity_id": _col("text", "Unique activity reference", "ENG-0001"),
            "date": _col("date", "Date of the activity", "2016-06-11"),
            "activity_type": _col("text", "Type of activity", "street surgery",
                                  allowed=ACTIVITY_TYPES),
            "mode": _col("text", "Engagement mode (2016 paper, section 4.4)", "listen",
                         allowed=ENGAGEMENT_MODES),
            "place": _col("text", "Town or village", "March"),
            "district": _col("text", "District", "Fenland"),
            "attendees": _count("People attending; blank if not counted", "35", nullable=True),
        },
        key=("activity_id",),
        period_column="date",
    ),
    "communications": _schema(
        "communications",
        "Monthly communications measures.",
        {
            "month": _col("month", "Calendar month", "2016-04"),
            "newsletter_subscribers": _count("Newsletter subscribers at month end", "4200"),
            "media_mentions_positive": _count("Positive media mentions", "14"),
            "media_mentions_neutral": _count("Neutral media mentions", "30"),
            "media_mentions_negative": _count("Negative media mentions", "5"),
            "media_interviews": _count("Media interviews given", "6"),
            "social_media_reach": _count("People reached on social media", "85000"),
            "survey_responses": _count("Responses to the office's surveys", "310"),
        },
        key=("month",),
        period_column="month",
    ),
    "volunteers": _schema(
        "volunteers",
        "Monthly volunteer numbers.",
        {
            "month": _col("month", "Calendar month", "2016-04"),
            "special_constables": _count("Special constables (headcount)", "280"),
            "special_hours": _col("float", "Total hours given by specials that month", "5880",
                                  ge=0),
            "cadet_units": _count("Police cadet units", "6"),
            "speedwatch_schemes": _count("Community Speedwatch schemes", "95"),
        },
        key=("month",),
        period_column="month",
    ),
    "percentage_mix": _schema(
        "percentage_mix",
        "A percentage breakdown (e.g. report-type mix): percents sum to 100 within each group.",
        {
            "group": _col("text", "Breakdown the row belongs to (optional column; e.g. a "
                          "month or area)", "2018-Q1", nullable=True, required=False),
            "category": _col("text", "Category", "online report"),
            "percent": _col("float", "Share of the group, percent", "12.5", ge=0, le=100),
        },
        key=("group", "category"),
        optional_columns=("group",),
    ),
    "policeuk_street": _schema(
        "policeuk_street",
        "data.police.uk street-level crime and anti-social behaviour file, as published.",
        {
            **_POLICEUK_LOCATION,
            "Crime type": _col("text", "police.uk crime category", "Violence and sexual offences"),
            "Last outcome category": _col("text", "Latest outcome; blank for anti-social "
                                          "behaviour", "Under investigation", nullable=True),
            "Context": _col("text", "Extra information; usually blank", "", nullable=True),
        },
        period_column="Month",
    ),
    "policeuk_outcomes": _schema(
        "policeuk_outcomes",
        "data.police.uk outcomes file, as published (several rows per crime are normal).",
        {
            **_POLICEUK_LOCATION,
            "Crime ID": _col("text", "police.uk crime identifier", "8d606f61d3d0…"),
            "Outcome type": _col("text", "Outcome recorded that month",
                                 "Investigation complete; no suspect identified"),
        },
        period_column="Month",
    ),
    "grants_360giving": _schema(
        "grants_360giving",
        "A grants file in the 360Giving data standard (only the fields used are listed; other "
        "standard fields are allowed and ignored).",
        {
            "Identifier": _col("text", "360Giving grant identifier", "360G-OxfordCC-2014-15-0002"),
            "Title": _col("text", "Grant title", "Grant to Archway Foundation"),
            "Recipient Org:Name": _col("text", "Recipient organisation", "Archway Foundation"),
            "Amount Awarded": _col("float", "Amount awarded", "7500", ge=0),
            "Currency": _col("text", "ISO currency code (must be GBP)", "GBP", allowed=("GBP",)),
            "Award Date": _col("date", "Date of award (a time part is ignored)", "2014-02-12"),
            "Planned Dates:Start Date": _col("date", "Planned start", "2014-04-01",
                                             nullable=True, required=False, future_ok=True),
            "Planned Dates:End Date": _col("date", "Planned end", "2015-03-31", nullable=True,
                                           required=False, future_ok=True),
            "Beneficiary Location:Name": _col("text", "Where the beneficiaries are", "Oxford",
                                              nullable=True, required=False),
            "Grant Programme:Title": _col("text", "Programme; mapped to the grants 'fund'",
                                          "Youth Fund", nullable=True, required=False),
            "Award Year": _col("text", "Financial year the grant is filed under (not a "
                               "standard field)", "2014/15", nullable=True, required=False),
            "Grant reference": _col("text", "Publisher's own reference (not a standard "
                                    "field)", "2", nullable=True, required=False),
        },
        key=("Identifier",),
        period_column="Award Date",
        optional_columns=(
            "Planned Dates:Start Date",
            "Planned Dates:End Date",
            "Beneficiary Location:Name",
            "Grant Programme:Title",
            "Award Year",
            "Grant reference",
        ),
    ),
}


def columns_of(dataset: str) -> list[str]:
    """Column names of a dataset in contract order."""
    return list(SCHEMAS[dataset].columns)


def kind_of(column: pa.Column) -> str:
    """How a column's raw cells are read (``text``, ``int``, ``month`` ...)."""
    meta: dict[str, Any] = column.metadata or {}
    return str(meta.get("kind", "text"))


_TYPE_WORDS = {
    "text": "text",
    "int": "whole number",
    "float": "number",
    "bool": "true/false",
    "month": "month YYYY-MM",
    "date": "date YYYY-MM-DD",
    "datetime": "datetime YYYY-MM-DD HH:MM:SS",
}


def _rule(column: pa.Column) -> str:
    """Allowed values or range of a column, in words."""
    meta = column.metadata or {}
    parts = []
    if meta.get("allowed"):
        parts.append(", ".join(f"`{v}`" for v in meta["allowed"]))
    for check in column.checks:
        _, _, expected = str(check.error).partition("|")
        if expected and not expected.startswith("one of"):
            parts.append(expected)
    if column.nullable:
        parts.append("blank allowed")
    if not column.required:
        parts.append("column optional")
    return "; ".join(parts) or "any"


def data_dictionary() -> str:
    """Markdown tables (dataset, column, type, allowed values, meaning, example) from SCHEMAS."""
    out: list[str] = []
    for name, schema in SCHEMAS.items():
        meta = schema.metadata or {}
        out.append(f"### `{name}`\n")
        out.append(f"{schema.description}")
        if meta.get("key"):
            out.append(f" Key: {', '.join(f'`{k}`' for k in meta['key'])}.")
        out.append("\n\n| column | type | allowed values | meaning | example |\n")
        out.append("|---|---|---|---|---|\n")
        for col_name, col in schema.columns.items():
            example = str((col.metadata or {}).get("example", "")).replace("|", "\\|")
            out.append(
                f"| `{col_name}` | {_TYPE_WORDS[kind_of(col)]} | {_rule(col)} | "
                f"{col.description} | {example} |\n"
            )
        out.append("\n")
    return "".join(out)
