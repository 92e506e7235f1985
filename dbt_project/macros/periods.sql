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

{#- Rows of a snapshot relation (with snapshot_date) in force at as_of: the newest snapshot dated
    on or before as_of. Empty when no snapshot is that old. -#}
{% macro snapshot_in_force(relation, as_of) -%}
select * from {{ relation }}
where snapshot_date = (
    select max(snapshot_date) from {{ relation }} where snapshot_date <= {{ as_of }}
)
{%- endmacro %}
