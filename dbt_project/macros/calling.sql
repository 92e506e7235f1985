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

{#- Call quality of a set of legs grouped by `key` (SPEC 6.4): rated legs (those with a media
    record), poor-quality legs and Poor Quality % = poor / rated (empty when none is rated). The one
    definition behind Call Quality by Endpoint Type and Customers and Call Quality. -#}
{% macro call_quality_by(key, legs='legs') -%}
select
    {{ key }},
    rated_call_legs,
    poor_quality_call_legs,
    {{ percent('poor_quality_call_legs', 'rated_call_legs') }} as poor_quality_pct
from (
    select
        {{ key }},
        count(case when is_rated then 1 end) as rated_call_legs,
        count(case when is_poor_quality then 1 end) as poor_quality_call_legs
    from {{ legs }}
    group by {{ key }}
) as counts
{%- endmacro %}

{#- Call queue totals (SPEC 6.4) of the queue-days `queue_days` (rows of int_call_queue_days_weighted)
    per `group_by` columns, or one row over all of them when there are none (0 over no queue-day):
    the number of queues, every call count and the weights of the two weighted averages, so each
    queue report (Call Queue KPIs, Customers and Call Queues, Calling Usage Detail's queue columns)
    sums the same measures the same way and rounds its averages from exact integers. -#}
{% macro call_queue_totals(group_by=[], queue_days='queue_days') -%}
select
    {%- for column in group_by %}
    {{ column }},
    {%- endfor %}
    count(distinct queue_id) as queues,
    {%- for measure in [
        'total_calls', 'answered_calls', 'abandoned_calls', 'overflowed_busy_calls',
        'overflowed_timeout_calls', 'transferred_calls', 'speed_of_answer_ms_x_answered',
        'answered_calls_with_speed', 'abandon_time_ms_x_abandoned', 'abandoned_calls_with_time'
    ] %}
    coalesce(cast(sum({{ measure }}) as bigint), 0) as {{ measure }}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ queue_days }}
{%- if group_by %}
group by {{ group_by | join(', ') }}
{%- endif %}
{%- endmacro %}

{#- The two weighted averages of call queue totals (call_queue_totals; `totals` is their relation
    alias, or '' for unqualified columns): Average Speed of Answer and Average Wait Before Abandon in
    seconds, 1 decimal, each over the calls of the days that reported it (SPEC 6.4: never a mean of
    daily means). -#}
{% macro call_queue_weighted_averages(totals='') -%}
{%- set p = totals ~ '.' if totals else '' -%}
{{ rounded_ratio(p ~ 'speed_of_answer_ms_x_answered', p ~ 'answered_calls_with_speed * 1000', scale=1) }}
    as average_speed_of_answer_seconds,
{{ rounded_ratio(p ~ 'abandon_time_ms_x_abandoned', p ~ 'abandoned_calls_with_time * 1000', scale=1) }}
    as average_wait_before_abandon_seconds
{%- endmacro %}
