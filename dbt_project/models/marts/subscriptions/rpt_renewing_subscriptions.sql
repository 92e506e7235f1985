-- One row per active, in-scope SUBSCRIPTION and product (Calling, Meetings) with auto-renew ending in
-- the next 90 days: the "Renewing Subscriptions" export, column for column.
{{ ending_subscriptions(ref('fct_subscription_products'), 'is_renewing', 'days_to_renewal') }}
