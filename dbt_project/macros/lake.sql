{#- The lake's source (`webex`, models/staging/webex/_webex__sources.yml) on every adapter.

    DuckDB reads a source table through its `meta.external_location`: read_parquet over
    `<meta.lake_dir>/<table>/*/*.parquet`, lake_dir being `lake/<region>` (or `lake/partner` for the
    partner admin tables), relative to the pipeline home. dbt-spark has no such setting, so this
    project masks dbt's `source()` (dbt's documented `builtins` override; a root project may do it):
    the dependency is still recorded by `builtins.source`, and on Spark the relation becomes the
    same files read by path, parquet.`<home>/<lake_dir>/<table>/*/*.parquet`; the `_schema/empty.parquet`
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
{%- set node = graph.sources.get('source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name) if execute else none -%}
{%- if node is none or 'lake_dir' not in node.meta -%}
{{ return(relation) }}
{%- endif -%}
{%- set identifier = relation.identifier or table_name -%}
{{ return(api.Relation.create(
    schema='parquet',
    identifier=var('home') ~ '/' ~ node.meta.lake_dir ~ '/' ~ identifier ~ '/*/*.parquet',
    quote_policy={'identifier': true},
    type='table'
)) }}
{%- endmacro %}
