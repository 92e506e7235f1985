{#- The lake's sources on every adapter.

    DuckDB reads a source through its `meta.external_location` (read_parquet over the dataset's
    partition files, models/staging/webex/_webex__sources.yml). dbt-spark has no such setting, so this
    project masks dbt's `source()` (dbt's documented `builtins` override; a root project may do it):
    the dependency is still recorded by `builtins.source`, and on Spark the relation becomes the
    same files read by path, parquet.`<home>/lake/<region>/<dataset>/*/*.parquet`; the `_schema/empty.parquet`
    file gives an empty dataset its columns there too. Spark has no file_search_path: var `home` is an
    absolute path or URI there (e.g. s3a://bucket/home). -#}
{% macro source(source_name, table_name) -%}
{%- set relation = builtins.source(source_name, table_name) -%}
{{ return(adapter.dispatch('lake_source_relation', 'webex_partner_analytics')(relation, source_name, table_name)) }}
{%- endmacro %}

{% macro default__lake_source_relation(relation, source_name, table_name) -%}
{{ return(relation) }}
{%- endmacro %}

{% macro spark__lake_source_relation(relation, source_name, table_name) -%}
{%- set lake_dirs = {'lake': var('home') ~ '/lake/' ~ var('region'), 'partner_lake': var('home') ~ '/lake/partner'} -%}
{%- if source_name not in lake_dirs -%}
{{ return(relation) }}
{%- endif -%}
{%- set identifier = relation.identifier or table_name -%}
{{ return(api.Relation.create(
    schema='parquet',
    identifier=lake_dirs[source_name] ~ '/' ~ identifier ~ '/*/*.parquet',
    quote_policy={'identifier': true},
    type='table'
)) }}
{%- endmacro %}
