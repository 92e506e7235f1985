-- One row per active, in-scope subscription and product (Calling, Meetings) ending in the next 90
-- days without auto-renew: the "Expiring Subscriptions" export, column for column.
{{ ending_subscriptions(ref('fct_subscription_products'), 'is_expiring', 'days_to_expiry') }}
