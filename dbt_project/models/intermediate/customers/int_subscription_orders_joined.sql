-- One row per order of a subscription of the subscriptions snapshot in force at D (the orders bridge
-- shares that partition), for the customers of the customers snapshot in force at D, within the
-- admin scope.
with weeks as (
    select * from {{ ref('int_subscription_weeks_spined') }}
    where week_index = 0
),

customers as (
    -- the conformed customers at D
    select
        org_id,
        customer_name
    from {{ ref('int_customers_at_period_end') }}
    where {{ in_admin_scope('org_id') }}
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
inner join customers
    on customers.org_id = orders.org_id
