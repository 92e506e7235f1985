-- Customers and Call Queues: one row per customer (org) with queue stats in the report period (W by
-- default; weighted averages); name from the customers in force at the period's end.
with

queue_days as (
    {{ report_period_rows(ref('int_call_queue_days_weighted'), 'stats_date') }}
),

by_org as (
    {{ call_queue_totals(['org_id']) }}
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
