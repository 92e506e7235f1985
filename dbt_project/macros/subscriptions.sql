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

