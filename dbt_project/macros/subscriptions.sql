{#- Cross-database helpers of the subscription analytics models (DuckDB + Spark 3.5).
    Each dispatches: `duckdb__` for the embedded warehouse, `default__` is the Spark SQL form. -#}

{#- The products the subscription analytics views report on (SPEC 6.2), in report order. -#}
{% macro subscription_analytics_products() -%}
{{ return(['Calling', 'Meetings']) }}
{%- endmacro %}

{#- A one-column relation (product) of the analytics products, for right joins that must always
    yield one row per product even when there is no data. -#}
{% macro subscription_analytics_products_relation() -%}
{%- for product in subscription_analytics_products() %}
select '{{ product }}' as product{% if not loop.last %} union all{% endif %}
{%- endfor %}
{%- endmacro %}

{#- Distinct non-null values of `expression`, sorted (binary order) and joined with `separator`
    (SPEC 6.3 multi-valued cells). NULL when there are no values on every engine (Spark's
    concat_ws of an empty array gives '', hence the nullif). -#}
{% macro sorted_join(expression, separator='; ') -%}
{{ return(adapter.dispatch('sorted_join')(expression, separator)) }}
{%- endmacro %}

{% macro duckdb__sorted_join(expression, separator) -%}
nullif(string_agg(distinct {{ expression }}, '{{ separator }}' order by {{ expression }}), '')
{%- endmacro %}

{% macro default__sorted_join(expression, separator) -%}
nullif(concat_ws('{{ separator }}', sort_array(collect_set({{ expression }}))), '')
{%- endmacro %}

{#- Integer division of two integers (both non-negative where this project uses it). -#}
{% macro integer_divide(numerator, denominator) -%}
{{ return(adapter.dispatch('integer_divide')(numerator, denominator)) }}
{%- endmacro %}

{% macro duckdb__integer_divide(numerator, denominator) -%}
({{ numerator }} // {{ denominator }})
{%- endmacro %}

{% macro default__integer_divide(numerator, denominator) -%}
({{ numerator }} div {{ denominator }})
{%- endmacro %}

{#- numerator / denominator * multiplier, rounded half away from zero to `scale` decimals, as
    DECIMAL(18, scale); NULL when the denominator is 0 or NULL (SPEC 6.1).
    Why integers: DuckDB turns DECIMAL / DECIMAL into DOUBLE, where 3/2000*100 = 0.1499999... would
    round to 0.1 instead of 0.2. With integer inputs n, d the rounded value k = round(|n|*m*10^s / |d|)
    is floor((2*|n|*m*10^s + |d|) / (2*|d|)), exact in BIGINT; k * 10^-s is an exact DECIMAL product.
    Inputs must be integers (counts and sums of license units). -#}
{% macro ratio_rounded(numerator, denominator, multiplier=1, scale=1) -%}
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

{#- Per week of the trend spine, the snapshot_date of `relation` in force at the week's end: the
    newest snapshot dated on or before it (NULL when none is that old; later ones are ignored).
    A non-equi join + group by rather than a correlated subquery, which Spark refuses. -#}
{% macro snapshot_date_in_force_by_week(weeks, relation, alias) -%}
select
    weeks.week_index,
    max(snapshots.snapshot_date) as {{ alias }}
from {{ weeks }} as weeks
left join (select distinct snapshot_date from {{ relation }}) as snapshots
    on snapshots.snapshot_date <= weeks.week_ending_date
group by weeks.week_index
{%- endmacro %}

{#- Generic data test: the model has exactly `expected` rows (fixed-shape reports such as the
    8-week trend or the one-row-per-product KPI table). -#}
{% test subscription_row_count(model, expected) %}
select count(*) as row_count
from {{ model }}
having count(*) <> {{ expected }}
{% endtest %}
