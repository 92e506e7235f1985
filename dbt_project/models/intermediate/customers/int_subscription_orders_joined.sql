-- One row per order of a subscription of the subscriptions snapshot in force at D (the orders bridge
-- shares that partition), for the customers of the customers snapshot in force at D, within the
-- admin scope.
with weeks as (
    select * from {{ ref('int_subscription_weeks_spined') }} where week_index = 0
),

customers as (
    select customers.org_id, customers.display_name as customer_name
    from weeks
    inner join {{ ref('stg_webex__customers') }} as customers
        on customers.snapshot_date = weeks.customers_snapshot_date
    where {{ in_admin_scope('customers.org_id') }}
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
from weeks
inner join {{ ref('stg_webex__subscription_orders') }} as orders
    on orders.snapshot_date = weeks.subscriptions_snapshot_date
inner join customers
    on customers.org_id = orders.org_id
