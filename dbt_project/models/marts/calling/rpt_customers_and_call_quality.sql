-- Customers and Call Quality: one row per customer (org) with call legs in W; name from the
-- customers snapshot in force at D.
with

legs as (
    select * from {{ ref('fct_call_legs') }}
    where started_date >= {{ calling_add_days(-7, week_ending()) }}
      and started_date < {{ week_ending() }}
),

customers as (
    {{ snapshot_in_force(ref('stg_webex__customers'), week_ending()) }}
),

by_org as (
    select
        org_id,
        count(case when is_rated then 1 end) as rated_call_legs,
        count(case when is_poor_quality then 1 end) as poor_quality_call_legs
    from legs
    group by org_id
)

select
    customers.display_name as customer,
    by_org.org_id,
    by_org.rated_call_legs,
    by_org.poor_quality_call_legs,
    {{ percent('by_org.poor_quality_call_legs', 'by_org.rated_call_legs') }} as poor_quality_pct
from by_org
left join customers
    on by_org.org_id = customers.org_id
