-- Call Queue KPIs: one row for the region over the queue-days of the report period (W by default;
-- weighted averages).
with

queue_days as (
    {{ report_period_rows(ref('int_call_queue_days_weighted'), 'stats_date') }}
),

totals as (
    -- no group by: always exactly one row, even over no queue-days
    {{ call_queue_totals() }}
)

select
    total_calls,
    answered_calls,
    abandoned_calls,
    {{ call_queue_weighted_averages() }},
    {{ percent('abandoned_calls', 'total_calls') }} as abandoned_rate_pct
from totals
