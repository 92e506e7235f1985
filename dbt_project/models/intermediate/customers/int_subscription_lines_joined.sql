-- One row per subscription of the subscriptions snapshot in force at D and license line of it in the
-- licenses snapshot in force at D (a subscription without a license line: one row, license columns
-- null), for the customers of the customers snapshot in force at D, within the admin scope.
with customers as (
    -- the conformed customers at D
    select
        org_id,
        customer_name
    from {{ ref('int_customers_at_period_end') }}
    where {{ in_admin_scope('org_id') }}
),

subscriptions as (
    {{ snapshot_in_force(ref('stg_webex__subscriptions'), week_ending()) }}
),

licenses as (
    {{ snapshot_in_force(ref('stg_webex__licenses'), week_ending()) }}
)

select
    subscriptions.org_id,
    customers.customer_name,
    subscriptions.subscription_id,
    {{ subscription_attributes(week_ending()) }},
    subscriptions.invoice_id,
    licenses.license_id,
    licenses.license_name,
    licenses.product,
    licenses.total_units,
    licenses.consumed_units
from subscriptions
inner join customers
    on customers.org_id = subscriptions.org_id
left join licenses
    on licenses.org_id = subscriptions.org_id
        and licenses.subscription_id = subscriptions.subscription_id
