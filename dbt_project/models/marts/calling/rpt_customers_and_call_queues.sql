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
    {{ call_queue_weighted_averages('by_org') }},
    by_org.overflowed_busy_calls,
    by_org.overflowed_timeout_calls,
    by_org.transferred_calls
from by_org
{{ join_customers('by_org.org_id') }}
