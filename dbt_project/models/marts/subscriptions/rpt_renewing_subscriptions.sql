-- One row per active, in-scope SUBSCRIPTION and product (Calling, Meetings) with auto-renew ending in
-- the next 90 days: the "Renewing Subscriptions" export, column for column.
select
    product,
    customer_name as customer,
    subscription_id,
    days_to_expiry as days_to_renewal,
    total_licenses,
    used_licenses,
    assigned_licenses,
    available_licenses,
    usage_in_last_3_months
from {{ ref('fct_subscription_products') }}
where is_analytics_product
    and is_renewing
