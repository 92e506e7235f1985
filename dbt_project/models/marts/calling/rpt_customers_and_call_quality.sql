-- Customers and Call Quality: one row per customer (org) with call legs in the report period (W by
-- default); name from the customers in force at the period's end (int_customers_at_period_end).
with

legs as (
    {{ report_period_rows(ref('fct_call_legs'), 'started_date') }}
),

by_org as (
    {{ call_quality_by('org_id') }}
)

select
    customers.customer_name as customer,
    by_org.org_id,
    by_org.rated_call_legs,
    by_org.poor_quality_call_legs,
    by_org.poor_quality_pct
from by_org
{{ join_customers('by_org.org_id') }}
