{#- Text and value helpers shared by every area (DuckDB + Spark 3.5; `duckdb__` for the embedded
    warehouse, `default__` is the Spark SQL form). -#}

{#- Words of an enum value in title case: HUNT_GROUP -> Hunt Group (DuckDB has no initcap). -#}
{% macro title_case(column) -%}
{{ return(adapter.dispatch('title_case', 'webex_partner_analytics')(column)) }}
{%- endmacro %}

{% macro default__title_case(column) -%}
initcap(lower(replace({{ column }}, '_', ' ')))
{%- endmacro %}

{% macro duckdb__title_case(column) -%}
array_to_string(
    list_transform(
        string_split(lower(replace({{ column }}, '_', ' ')), ' '),
        lambda w: upper(substr(w, 1, 1)) || substr(w, 2)
    ),
    ' '
)
{%- endmacro %}

{#- Distinct non-null values of `expression`, sorted (binary order) and joined with `separator`
    (SPEC 6.3 multi-valued cells). NULL when there are no values on every engine (Spark's
    concat_ws of an empty array gives '', hence the nullif). -#}
{% macro sorted_join(expression, separator='; ') -%}
{{ return(adapter.dispatch('sorted_join', 'webex_partner_analytics')(expression, separator)) }}
{%- endmacro %}

{% macro duckdb__sorted_join(expression, separator) -%}
nullif(string_agg(distinct {{ expression }}, '{{ separator }}' order by {{ expression }}), '')
{%- endmacro %}

{% macro default__sorted_join(expression, separator) -%}
nullif(concat_ws('{{ separator }}', sort_array(collect_set({{ expression }}))), '')
{%- endmacro %}

{#- A MAC address as 12 upper-case hex digits (separators removed), the form ingestion writes. -#}
{% macro normalised_mac(column) -%}
upper(replace(replace(replace({{ column }}, ':', ''), '-', ''), '.', ''))
{%- endmacro %}

{#- The larger of two nullable values; NULL only when both are NULL (e.g. the worse of two
    per-direction means). -#}
{% macro greater_of(a, b) -%}
case
    when {{ a }} is null then {{ b }}
    when {{ b }} is null then {{ a }}
    when {{ a }} >= {{ b }} then {{ a }}
    else {{ b }}
end
{%- endmacro %}

{#- How far `a` exceeds `b`: a - b when a > b, else 0 (Available = Total over Assigned, Overage =
    Assigned over Total). -#}
{% macro excess_over(a, b) -%}
case
    when {{ a }} > {{ b }}
        then {{ a }} - {{ b }}
    else 0
end
{%- endmacro %}
