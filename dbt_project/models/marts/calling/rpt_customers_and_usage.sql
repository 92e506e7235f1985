-- Customers and Usage: one row per customer (org) with call legs in W; name from the customers
-- snapshot in force at D.
with

legs as (
    select * from {{ ref('fct_call_legs') }}
),

customers as (
    {{ snapshot_in_force(ref('stg_webex__customers'), week_ending()) }}
),

this_week as (
    select
        org_id,
        count(distinct case when is_user_leg then user_id end) as active_users,
        count(case when is_originating then 1 end) as calls,
        count(*) as call_legs,
        cast(sum(duration_seconds) as bigint) as duration_seconds
    from legs
    where started_date >= {{ calling_add_days(-7, week_ending()) }}
      and started_date < {{ week_ending() }}
    group by org_id
),

previous_week as (
    select
        org_id,
        count(case when is_originating then 1 end) as calls
    from legs
    where started_date >= {{ calling_add_days(-14, week_ending()) }}
      and started_date < {{ calling_add_days(-7, week_ending()) }}
    group by org_id
),

joined as (
    select
        customers.display_name as customer,
        this_week.org_id,
        this_week.active_users,
        this_week.calls,
        this_week.call_legs,
        this_week.duration_seconds,
        coalesce(previous_week.calls, 0) as previous_calls
    from this_week
    left join previous_week
        on this_week.org_id = previous_week.org_id
    left join customers
        on this_week.org_id = customers.org_id
)

select
    customer,
    org_id,
    active_users,
    calls,
    call_legs,
    {{ minutes('duration_seconds') }} as call_minutes,
    -- empty (not 0, not infinite) when the previous week had no calls
    {{ percent('calls - previous_calls', 'previous_calls') }} as calls_change_pct
from joined
