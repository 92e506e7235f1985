{#- Calling-engagement macros (SPEC 6.4, 7). Cross-database: DuckDB here, Spark 3.5 on scale-out. -#}

{#- The UTC calendar date of a UTC timestamp column. Every period boundary is a UTC midnight, so
    "started_at in [a, b)" is exactly "utc date in [a, b)"; comparing dates avoids any dependence on
    the session time zone, which DuckDB applies when it casts a date to TIMESTAMPTZ.
    Spark keeps timestamps as instants rendered in spark.sql.session.timeZone, which must be UTC. -#}
{% macro calling_utc_date(column) -%}
{{ return(adapter.dispatch('calling_utc_date', 'webex_partner_analytics')(column)) }}
{%- endmacro %}

{% macro default__calling_utc_date(column) -%}
cast({{ column }} as date)
{%- endmacro %}

{% macro duckdb__calling_utc_date(column) -%}
cast(timezone('UTC', {{ column }}) as date)
{%- endmacro %}

{#- A date expression shifted by n days, as a DATE (dbt.dateadd returns a timestamp on DuckDB). -#}
{% macro calling_add_days(n, date_expr) -%}
cast({{ dbt.dateadd('day', n, date_expr) }} as date)
{%- endmacro %}

{#- The window the enriched leg model keeps: everything any calling mart or report reads, i.e.
    the 8 trend weeks, the week before W (calls change) and the report period and the one before it. -#}
{% macro calling_window_start() -%}
least({{ calling_add_days(-56, week_ending()) }}, {{ previous_period_start() }})
{%- endmacro %}

{% macro calling_window_end() -%}
greatest({{ week_ending() }}, cast({{ report_end() }} as date))
{%- endmacro %}
