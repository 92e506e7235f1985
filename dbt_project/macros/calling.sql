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

{#- numerator / denominator x multiplier, rounded half away from zero to `scale` decimals, as
    DECIMAL(18, scale); NULL when the denominator is 0 or NULL.
    Both operands must be integer-valued. DuckDB turns any division, even of DECIMALs, into DOUBLE,
    so a plain round(a / b, 1) can miss a .x5 tie (49 / 400 x 100 = 12.25 must give 12.3). Here the
    tie is decided on integers: floor((2|n|m10^s + d) / 2d) is exact because a double quotient of
    integers below 2^53 that is mathematically an integer is computed exactly. -#}
{% macro calling_rounded_ratio(numerator, denominator, scale=1, multiplier=1) -%}
case
    when coalesce({{ denominator }}, 0) = 0 then null
    else cast(
        sign({{ numerator }})
        * floor(
            (2 * abs({{ numerator }}) * {{ multiplier * 10 ** scale }} + abs({{ denominator }}))
            / (2 * abs({{ denominator }}))
        )
        * sign({{ denominator }})
        / {{ 10 ** scale }}
        as decimal(18, {{ scale }})
    )
end
{%- endmacro %}

{#- Call minutes from a sum of seconds: 2 decimals, 0.00 over an empty set (SPEC 6.1: sums are 0). -#}
{% macro calling_minutes(seconds_sum) -%}
{{ calling_rounded_ratio('coalesce(' ~ seconds_sum ~ ', 0)', '60', 2) }}
{%- endmacro %}

{#- Percentage part / whole x 100, 1 decimal, NULL over an empty whole. -#}
{% macro calling_percent(part, whole) -%}
{{ calling_rounded_ratio(part, whole, 1, 100) }}
{%- endmacro %}

{#- The 8 weeks of a trend (SPEC 2): week endings D, D-7, ..., D-49 with their [start, end) bounds,
    generated from the week_ending var (no clock, no date spine table). -#}
{% macro calling_trend_weeks() -%}
{%- for offset in range(8) %}
select
    {{ offset }} as weeks_back,
    {{ calling_add_days(-7 * offset, week_ending()) }} as week_ending,
    {{ calling_add_days(-7 * offset - 7, week_ending()) }} as week_start
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
{%- endmacro %}

{#- The window the enriched leg model keeps: everything any calling mart or report reads, i.e.
    the 8 trend weeks, the week before W (calls change) and the report period and the one before it. -#}
{% macro calling_window_start() -%}
least({{ calling_add_days(-56, week_ending()) }}, {{ previous_period_start() }})
{%- endmacro %}

{% macro calling_window_end() -%}
greatest({{ week_ending() }}, cast({{ report_end() }} as date))
{%- endmacro %}

{#- Words of an enum value in title case: HUNT_GROUP -> Hunt Group (DuckDB has no initcap). -#}
{% macro calling_title_case(column) -%}
{{ return(adapter.dispatch('calling_title_case', 'webex_partner_analytics')(column)) }}
{%- endmacro %}

{% macro default__calling_title_case(column) -%}
initcap(lower(replace({{ column }}, '_', ' ')))
{%- endmacro %}

{% macro duckdb__calling_title_case(column) -%}
array_to_string(
    list_transform(
        string_split(lower(replace({{ column }}, '_', ' ')), ' '),
        lambda w: upper(substr(w, 1, 1)) || substr(w, 2)
    ),
    ' '
)
{%- endmacro %}

{#- The worse (larger) of two per-direction means; NULL only when both directions have no samples. -#}
{% macro calling_worse_of(a, b) -%}
case
    when {{ a }} is null then {{ b }}
    when {{ b }} is null then {{ a }}
    when {{ a }} >= {{ b }} then {{ a }}
    else {{ b }}
end
{%- endmacro %}

{#- A MAC address as 12 upper-case hex digits (separators removed), the form ingestion writes. -#}
{% macro calling_normalised_mac(column) -%}
upper(replace(replace(replace({{ column }}, ':', ''), '-', ''), '.', ''))
{%- endmacro %}

{#- Generic data test: no two rows share the values of `columns` (the model's grain). -#}
{% test calling_unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as row_count
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{#- Generic data test: the model has exactly `expected` rows (a trend has all its weeks). -#}
{% test calling_row_count(model, expected) %}
select row_count
from (select count(*) as row_count from {{ model }}) as counted
where row_count <> {{ expected }}
{% endtest %}
