{#- Layer schemas by their own names (staging, intermediate, marts), not dbt's default
    `<target schema>_<custom>`: analysts and BI tools see exactly those three. A node without a
    custom schema goes to the target's schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
