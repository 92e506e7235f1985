-- Customers and Usage: one row per customer (org) with call legs in the report period (W by
-- default); Calls Change % against the equally long period just before it (the week before W by
-- default); name from the customers in force at the period's end (int_customers_at_period_end).
with

legs as (
    select * from {{ ref('fct_call_legs') }}
),

this_period as (
    select
        org_id,
        count(distinct case when is_user_leg then user_id end) as active_users,
        count(case when is_originating then 1 end) as calls,
        count(*) as call_legs,
        cast(sum(duration_seconds) as bigint) as duration_seconds
    from legs
    where {{ in_report_period('started_date') }}
    group by org_id
),

previous_period as (
    select
        org_id,
        count(case when is_originating then 1 end) as calls
    from legs
    where {{ in_report_period('started_date', previous=true) }}
    group by org_id
),

joined as (
    select
        customers.customer_name as customer,
        this_period.org_id,
        this_period.active_users,
        this_period.calls,
        this_period.call_legs,
        this_period.duration_seconds,
        coalesce(previous_period.calls, 0) as previous_calls
    from this_period
    left join previous_period
        on this_period.org_id = previous_period.org_id
    {{ join_customers('this_period.org_id') }}
)

select
    customer,
    org_id,
    active_users,
    calls,
    call_legs,
    {{ minutes('duration_seconds') }} as call_minutes,
    -- empty (not 0, not infinite) when the previous period had no calls
    {{ percent('calls - previous_calls', 'previous_calls') }} as calls_change_pct
from joined
