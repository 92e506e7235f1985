{#- Rounding: the one way this project turns a ratio into a reported number (SPEC 6.1: half away
    from zero; NULL over an empty denominator). Cross-database: DuckDB here, Spark 3.5 on scale-out.

    One signature, called with keyword arguments so the order can never be swapped:
        rounded_ratio(numerator, denominator, scale=1, multiplier=1)
    `percent` and `minutes` are the two shapes the reports use. -#}

{#- numerator / denominator x multiplier, rounded half away from zero to `scale` decimals, as
    DECIMAL(18, scale); NULL when the denominator is 0 or NULL, or the numerator is NULL.
    Why integers: DuckDB turns any division, even of DECIMALs, into DOUBLE, where 3/2000*100 =
    0.1499999... would round to 0.1 instead of 0.2 (and 49/400*100 = 12.25 must give 12.3). With
    integer inputs n, d the rounded value k = round(|n| * m * 10^s / |d|) is
    floor((2|n|m10^s + |d|) / (2|d|)), exact in BIGINT integer division; k * 10^-s is an exact
    DECIMAL product. Inputs must be integer-valued (counts, sums of seconds, milliseconds or units). -#}
{% macro rounded_ratio(numerator, denominator, scale=1, multiplier=1) -%}
{%- set factor = multiplier * (10 ** scale) -%}
{%- set step = '1' if scale == 0 else '0.' ~ ('0' * (scale - 1)) ~ '1' -%}
case
    when {{ denominator }} is null or {{ denominator }} = 0 or {{ numerator }} is null then null
    else cast(
        cast(
            (case when ({{ numerator }} < 0) = ({{ denominator }} < 0) then 1 else -1 end)
            * {{ integer_divide(
                '(2 * abs(cast(' ~ numerator ~ ' as bigint)) * ' ~ factor ~ ' + abs(cast(' ~ denominator ~ ' as bigint)))',
                '(2 * abs(cast(' ~ denominator ~ ' as bigint)))') }}
            as decimal(18, 0)
        ) * {{ step }}
        as decimal(18, {{ scale }})
    )
end
{%- endmacro %}

{#- Percentage part / whole x 100, `scale` decimals (1 by default), NULL over an empty whole. -#}
{% macro percent(part, whole, scale=1) -%}
{{ rounded_ratio(part, whole, scale=scale, multiplier=100) }}
{%- endmacro %}

{#- Minutes from a sum of seconds: 2 decimals, 0.00 over an empty set (SPEC 6.1: sums are 0). -#}
{% macro minutes(seconds_sum) -%}
{{ rounded_ratio('coalesce(' ~ seconds_sum ~ ', 0)', '60', scale=2) }}
{%- endmacro %}

{#- Integer division of two integers (both non-negative where this project uses it). -#}
{% macro integer_divide(numerator, denominator) -%}
{{ return(adapter.dispatch('integer_divide', 'webex_partner_analytics')(numerator, denominator)) }}
{%- endmacro %}

{% macro duckdb__integer_divide(numerator, denominator) -%}
({{ numerator }} // {{ denominator }})
{%- endmacro %}

{% macro default__integer_divide(numerator, denominator) -%}
({{ numerator }} div {{ denominator }})
{%- endmacro %}
