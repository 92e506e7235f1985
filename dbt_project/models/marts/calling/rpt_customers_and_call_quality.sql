-- Customers and Call Quality: one row per customer (org) with call legs in the report period (W by
-- default); name from the customers in force at the period's end (int_customers_at_period_end).
with

legs as (
    select * from {{ ref('fct_call_legs') }}
    where {{ in_report_period('started_date') }}
),

customers as (
    select * from {{ ref('int_customers_at_period_end') }}
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
    customers.customer_name as customer,
    by_org.org_id,
    by_org.rated_call_legs,
    by_org.poor_quality_call_legs,
    {{ calling_percent('by_org.poor_quality_call_legs', 'by_org.rated_call_legs') }} as poor_quality_pct
from by_org
left join customers
    on by_org.org_id = customers.org_id
