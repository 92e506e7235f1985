{#- Calling-engagement macros (SPEC 6.4, 7). Cross-database: DuckDB here, Spark 3.5 on scale-out. -#}

{#- The window the enriched leg model keeps: everything any calling mart or report reads, i.e.
    the 8 trend weeks, the week before W (calls change) and the report period and the one before it. -#}
{% macro calling_window_start() -%}
least({{ add_days(-56, week_ending()) }}, {{ previous_period_start() }})
{%- endmacro %}

{% macro calling_window_end() -%}
greatest({{ week_ending() }}, cast({{ report_end() }} as date))
{%- endmacro %}

{#- A leg's endpoint type (SPEC 6.4): a leg whose MAC matched a device of the inventory takes that
    device's type (unlisted platform/type: Other Devices), else its client type's (unlisted: Unknown).
    Expects the CTE aliases devices_by_mac, device_endpoint_types and client_endpoint_types. -#}
{% macro calling_endpoint_type() -%}
case
    when devices_by_mac.device_id is not null
        then coalesce(device_endpoint_types.endpoint_type, 'Other Devices')
    else coalesce(client_endpoint_types.endpoint_type, 'Unknown')
end
{%- endmacro %}
