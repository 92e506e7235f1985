-- One row per active, in-scope subscription and product (Calling, Meetings) added in the last 90
-- days: the "Recently Added Subscriptions" export, column for column.
select
    product,
    customer_name as customer,
    subscription_id,
    days_since_added,
    total_licenses,
    used_licenses,
    assigned_licenses,
    available_licenses,
    weekly_assignment_change,
    weekly_usage_change
from {{ ref('fct_subscription_products') }}
where is_analytics_product
    and is_recently_added
