{#- Materialization `leg_weeks` (DuckDB): how intermediate.int_call_legs_weekly stores its leg weeks.

    dbt-duckdb's `incremental` materialization always computes the model into a temporary table first,
    then runs the strategy (delete+insert: a delete whose `in (select week_ending from tmp)` scans the
    whole table, and an insert copying the temporary table). At scale m, region US, a steady build's two
    recomputed weeks took 27.6 s to compute into the temporary table (spilled past memory_limit) and
    14.7 s to delete and copy: the rows were written twice. This one writes them once:
    - incremental (the table exists and no --full-refresh: `leg_weeks_incremental()`, which the model's
      filter and pre-hook use too): the pre-hook (`calling_leg_weeks_pre_hook`) deletes the recomputed
      weeks and the weeks that left the window, then the model's rows are inserted straight from its
      query, matched by column name (a column the table lacks fails the build; a changed model changes
      the build key, so partner_analytics/incremental.py builds from nothing anyway);
    - full (no table, or --full-refresh): drop and `create table as`, in one transaction.
    Hooks, column and relation comments (persist_docs) and the commit as in dbt-duckdb's table
    materialization. Spark keeps dbt-spark's `incremental` (insert_overwrite of week partitions). -#}
{% materialization leg_weeks, adapter='duckdb' -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set incremental = leg_weeks_incremental() -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if incremental %}
        {%- call statement('main') -%}
            insert into {{ target_relation }} by name
            select * from (
                {{ sql }}
            ) as leg_rows
        {%- endcall -%}
    {%- else %}
        {%- if existing_relation is not none -%}
            {{ adapter.drop_relation(existing_relation) }}
        {%- endif -%}
        {%- call statement('main') -%}
            {{ create_table_as(False, target_relation, sql) }}
        {%- endcall -%}
    {%- endif %}

    {%- do persist_docs(target_relation, model) -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {%- do adapter.commit() -%}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{%- endmaterialization %}

{#- Whether int_call_legs_weekly's build adds weeks to the stored table (true) or builds it from nothing:
    dbt's is_incremental() for the `incremental` materialization (Spark), the same test for `leg_weeks`
    (is_incremental() is false for any materialization but `incremental`). -#}
{% macro leg_weeks_incremental() -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- elif model.config.materialized == 'leg_weeks' -%}
        {%- set relation = adapter.get_relation(this.database, this.schema, this.identifier) -%}
        {{ return(relation is not none and relation.type == 'table' and not should_full_refresh()) }}
    {%- else -%}
        {{ return(is_incremental()) }}
    {%- endif -%}
{%- endmacro %}
