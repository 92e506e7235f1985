-- One row per order in the order history of each subscription of a customer at D. The Customer
-- Orders export.
select
    customer_name as customer,
    org_id,
    subscription_id,
    order_index,
    order_id,
    ordered_at,
    action,
    quantity
from {{ ref('int_subscription_orders_joined') }}
