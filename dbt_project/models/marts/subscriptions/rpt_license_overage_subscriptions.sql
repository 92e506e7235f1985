-- One row per active, in-scope subscription and product (Calling, Meetings) with Assigned > Total:
-- the "License Overage Subscriptions" export, column for column.
select
    product,
    customer_name as customer,
    subscription_id,
    months_remaining,
    is_auto_renew as auto_renew,
    total_licenses,
    assigned_licenses,
    assigned_pct,
    used_licenses,
    used_pct
from {{ ref('fct_subscription_products') }}
where is_analytics_product
    and is_overage
