{#- Calling-engagement macros (SPEC 6.4, 7). Cross-database: DuckDB here, Spark 3.5 on scale-out. -#}

{#- The window the enriched leg model keeps: everything any calling mart or report reads, i.e.
    the 8 trend weeks, the week before W (calls change) and the report period and the one before it. -#}
{% macro calling_window_start() -%}
least({{ add_days(-56, week_ending()) }}, {{ previous_period_start() }})
{%- endmacro %}

{% macro calling_window_end() -%}
greatest({{ week_ending() }}, cast({{ report_end() }} as date))
{%- endmacro %}
