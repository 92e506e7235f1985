-- Customers and Call Queues: one row per customer (org) with queue stats in the report period (W by
-- default; weighted averages); name from the customers in force at the period's end.
with

queue_days as (
    {{ report_period_rows(ref('int_call_queue_days_weighted'), 'stats_date') }}
),

by_org as (
    select
        org_id,
        count(distinct queue_id) as queues,
        cast(sum(total_calls) as bigint) as total_calls,
        cast(sum(answered_calls) as bigint) as answered_calls,
        cast(sum(abandoned_calls) as bigint) as abandoned_calls,
        cast(sum(overflowed_busy_calls) as bigint) as overflowed_busy_calls,
        cast(sum(overflowed_timeout_calls) as bigint) as overflowed_timeout_calls,
        cast(sum(transferred_calls) as bigint) as transferred_calls,
        cast(sum(speed_of_answer_ms_x_answered) as bigint) as speed_of_answer_ms_x_answered,
        cast(sum(answered_calls_with_speed) as bigint) as answered_calls_with_speed,
        cast(sum(abandon_time_ms_x_abandoned) as bigint) as abandon_time_ms_x_abandoned,
        cast(sum(abandoned_calls_with_time) as bigint) as abandoned_calls_with_time
    from queue_days
    group by org_id
)

select
    customers.customer_name as customer,
    by_org.org_id,
    by_org.queues,
    by_org.total_calls,
    by_org.answered_calls,
    by_org.abandoned_calls,
    {{ percent('by_org.abandoned_calls', 'by_org.total_calls') }} as abandoned_rate_pct,
    {{ rounded_ratio('by_org.speed_of_answer_ms_x_answered', 'by_org.answered_calls_with_speed * 1000', scale=1) }}
        as average_speed_of_answer_seconds,
    {{ rounded_ratio('by_org.abandon_time_ms_x_abandoned', 'by_org.abandoned_calls_with_time * 1000', scale=1) }}
        as average_wait_before_abandon_seconds,
    by_org.overflowed_busy_calls,
    by_org.overflowed_timeout_calls,
    by_org.transferred_calls
from by_org
{{ join_customers('by_org.org_id') }}
