-- One row per active, in-scope subscription and product (Calling, Meetings) whose Assigned/Total is
-- strictly below the 25th percentile: the "Low License Assignment Subscriptions" export.
select
    product,
    customer_name as customer,
    subscription_id,
    months_since_added,
    assigned_licenses,
    assigned_pct,
    total_licenses,
    used_licenses,
    available_licenses,
    weekly_assignment_change
from {{ ref('fct_subscription_products') }}
where is_analytics_product
    and is_low_assignment
