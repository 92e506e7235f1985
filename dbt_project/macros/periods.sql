{#- Period macros: every date the models use comes from dbt vars, never from the clock.
    Literals are written as cast('YYYY-MM-DD' as date), which DuckDB and Spark both accept. -#}

{% macro date_literal(value) -%}
cast('{{ value }}' as date)
{%- endmacro %}

{#- D: the run's week ending (a Sunday, 00:00 UTC). -#}
{% macro week_ending() -%}
{{ date_literal(var('week_ending')) }}
{%- endmacro %}

{#- Start of W = [D - 7 days, D). -#}
{% macro week_start() -%}
{{ dbt.dateadd('day', -7, week_ending()) }}
{%- endmacro %}

{#- Report period [report_start, report_end): defaults to W. -#}
{% macro report_start() -%}
{%- if var('report_start') -%}{{ date_literal(var('report_start')) }}{%- else -%}{{ week_start() }}{%- endif -%}
{%- endmacro %}

{% macro report_end() -%}
{%- if var('report_end') -%}{{ date_literal(var('report_end')) }}{%- else -%}{{ week_ending() }}{%- endif -%}
{%- endmacro %}

{#- The report period as Jinja dates: start, end (exclusive) and previous_start, the start of the
    equally long period just before it (SPEC 7 "Periods": Calls Change % compares with it). Default W
    and the week before it. Computed at compile time from the vars, so every bound is a date literal. -#}
{% macro period_dates() -%}
{%- set date = modules.datetime.date -%}
{%- set d = date.fromisoformat(var('week_ending') ~ '') -%}
{%- set start = date.fromisoformat(var('report_start') ~ '') if var('report_start') else d - modules.datetime.timedelta(days=7) -%}
{%- set end = date.fromisoformat(var('report_end') ~ '') if var('report_end') else d -%}
{{ return({'start': start, 'end': end, 'previous_start': start - (end - start)}) }}
{%- endmacro %}

{#- The one period filter of every period-bound model (SPEC 7 "Periods"): `column` (a DATE) inside
    the report period [report_start, report_end) - W by default - or, with previous=true, inside the
    equally long period just before it. No model writes W's bounds itself. -#}
{% macro in_report_period(column, previous=false) -%}
{%- set p = period_dates() -%}
{%- if previous -%}
{{ column }} >= {{ date_literal(p.previous_start) }} and {{ column }} < {{ date_literal(p.start) }}
{%- else -%}
{{ column }} >= {{ date_literal(p.start) }} and {{ column }} < {{ date_literal(p.end) }}
{%- endif -%}
{%- endmacro %}

{#- The rows of `relation` whose `date_column` lies in the report period (previous=true: the equally
    long period before it): what every period table reads, `x as ({{ report_period_rows(ref(...),
    'started_date') }})`, as snapshot_in_force gives the rows in force at a date. -#}
{% macro report_period_rows(relation, date_column, previous=false) -%}
select * from {{ relation }}
where {{ in_report_period(date_column, previous=previous) }}
{%- endmacro %}

{#- Start of the previous period (the calling window must reach back to it). -#}
{% macro previous_period_start() -%}
{{ date_literal(period_dates().previous_start) }}
{%- endmacro %}

{#- The date whose snapshots are in force for the report period: its end, report_end (D by default).
    The period's last day ends there; a snapshot dated report_end is the one the weekly run uses at D,
    so the default W reads exactly the weekly tables' snapshots. -#}
{% macro period_as_of() -%}
{{ date_literal(period_dates().end) }}
{%- endmacro %}

{#- The one trend-week spine (SPEC 2): the 8 weeks ending D, D-7, ..., D-49, one row each with
    week_index (0 = D), week_ending_date and week_start_date = week_ending_date - 7 days. Generated
    from the week_ending var (no clock, no date table); every trend model starts from it. -#}
{% macro trend_weeks() -%}
{%- for week_index in range(8) %}
select
    {{ week_index }} as week_index,
    cast({{ dbt.dateadd('day', -7 * week_index, week_ending()) }} as date) as week_ending_date,
    cast({{ dbt.dateadd('day', -7 * week_index - 7, week_ending()) }} as date) as week_start_date
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
{%- endmacro %}

{#- "Usage in the last 3 months" (SPEC 6.1): each trend week's window is [week end - 90 days, week end). -#}
{% macro usage_window_days() -%}
{{ return(90) }}
{%- endmacro %}

{#- The lake's event partitions (week_ending w holds the events of the UTC week [w - 7 days, w)) that can
    hold an event dated in [start, end): w in (start, end + 7 days], widened by 7 days each side so the
    exact date filter decides whatever week a row was labelled with. Literal dates: DuckDB skips every
    other week's files (a bound from a join prunes none). -#}
{% macro lake_weeks_between(column, start, end) -%}
{{ column }} > {{ add_days(-7, start) }}
and {{ column }} <= {{ add_days(14, end) }}
{%- endmacro %}

{#- The lake weeks that can hold an event of some trend week's usage window, [D - 49 - 90 days, D):
    without it the activity flags read the whole history of the lake every week. -#}
{% macro usage_window_weeks_filter(column) -%}
{{ lake_weeks_between(column, add_days(-(usage_window_days() + 7 * 7), week_ending()), week_ending()) }}
{%- endmacro %}

{#- The UTC calendar date of a UTC timestamp column. Every period boundary is a UTC midnight, so
    "started_at in [a, b)" is exactly "utc date in [a, b)"; comparing dates avoids any dependence on
    the session time zone, which DuckDB applies when it casts a date to TIMESTAMPTZ.
    Spark keeps timestamps as instants rendered in spark.sql.session.timeZone, which must be UTC. -#}
{% macro utc_date(column) -%}
{{ return(adapter.dispatch('utc_date', 'webex_partner_analytics')(column)) }}
{%- endmacro %}

{% macro default__utc_date(column) -%}
cast({{ column }} as date)
{%- endmacro %}

{% macro duckdb__utc_date(column) -%}
cast(timezone('UTC', {{ column }}) as date)
{%- endmacro %}

{#- A date expression shifted by n days, as a DATE (dbt.dateadd returns a timestamp on DuckDB). -#}
{% macro add_days(n, date_expr) -%}
cast({{ dbt.dateadd('day', n, date_expr) }} as date)
{%- endmacro %}
