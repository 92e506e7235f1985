-- One row per subscription of the subscriptions snapshot in force at D and license line of it in the
-- licenses snapshot in force at D (a subscription without a license line: one row, license columns
-- null), for the customers of the customers snapshot in force at D, within the admin scope.
with subscriptions as (
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
-- the conformed customers at D: a subscription of an org that is not a customer there is left out
{{ join_customers('subscriptions.org_id', inner=true) }}
left join licenses
    on licenses.org_id = subscriptions.org_id
        and licenses.subscription_id = subscriptions.subscription_id
where {{ in_admin_scope('subscriptions.org_id') }}
