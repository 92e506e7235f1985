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
