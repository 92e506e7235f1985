{#- The project's generic data tests (one idiom each; DuckDB + Spark 3.5).

    unique_combination    a model's grain: no two rows share the values of `columns`
    row_count             a fixed-shape report has exactly `expected` rows
    not_null_columns      none of `columns` is NULL (one scan for all of them, one row per column)
    relationship_in_force the rows of the model's snapshot in force at D reference a row of the
                          parent's snapshot in force at D

The staging models' grain and required-column tests are generated from the lake contract
(ingestion/schemas.py CONTRACTS; `python -m ingestion.contract_yml`), never written by hand. -#}

{#- NULLs compare equal here (group by), so an optional key part still counts. -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as row_count
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{% test row_count(model, expected) %}
select row_count
from (select count(*) as row_count from {{ model }}) as counted
where row_count <> {{ expected }}
{% endtest %}

{#- One row per column that has NULLs: (column_name, null_rows). The model is scanned once. -#}
{% test not_null_columns(model, columns) %}
with counted as (
    select
        {%- for column in columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}
),
null_counts as (
    {%- for column in columns %}
    select '{{ column }}' as column_name, {{ column }} as null_rows from counted
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)
select column_name, null_rows
from null_counts
where null_rows > 0
{% endtest %}

{#- Orphans: rows of the model's snapshot in force at D (macros/periods.sql snapshot_in_force) whose
    `columns` match no row of `parent`'s snapshot in force at D on `parent_columns` (default: the
    same names). Rows with a NULL in `columns` reference nothing and are not orphans. One row per
    orphan. Real Webex data has orphans, so the yml sets severity warn. -#}
{% test relationship_in_force(model, columns, parent, parent_columns=none) %}
{%- set parent_columns = parent_columns or columns -%}
with children as (
    {{ snapshot_in_force(model, week_ending()) }}
),
parents as (
    {{ snapshot_in_force(parent, week_ending()) }}
)
select
    {%- for column in columns %}
    children.{{ column }},
    {%- endfor %}
    children.snapshot_date
from children
left join parents
    on {% for column in columns -%}
    parents.{{ parent_columns[loop.index0] }} = children.{{ column }}{{ " and " if not loop.last }}
    {%- endfor %}
where {% for column in columns -%}
    children.{{ column }} is not null and {% endfor -%}
    parents.{{ parent_columns[0] }} is null
{% endtest %}
