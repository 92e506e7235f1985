-- One row per order of a subscription of the subscriptions snapshot in force at D (the orders bridge
-- shares that partition), for the customers of the customers snapshot in force at D, within the
-- admin scope.
with weeks as (
    select * from {{ ref('int_subscription_weeks_spined') }}
    where week_index = 0
),

orders as (
    -- the orders bridge is read at the subscriptions snapshot's date
    {{ snapshot_rows_by_week('weeks', ref('stg_webex__subscription_orders'), 'subscriptions_snapshot_date') }}
)

select
    orders.org_id,
    customers.customer_name,
    orders.subscription_id,
    orders.order_index,
    orders.order_id,
    orders.ordered_at,
    orders.action,
    orders.quantity
from orders
-- the conformed customers at D: an order of an org that is not a customer there is left out
{{ join_customers('orders.org_id', inner=true) }}
where {{ in_admin_scope('orders.org_id') }}
