{{ config(severity='warn') }}
-- Subscriptions of the snapshot in force at D whose org_id is not a customer of the customers
-- snapshot in force at D. Warn only: real Webex data has orphans (an org that left the partner
-- still shows its subscriptions for a while). One row per orphan subscription.
with subscriptions as (
    {{ snapshot_in_force(ref('stg_webex__subscriptions'), week_ending()) }}
),
customers as (
    {{ snapshot_in_force(ref('stg_webex__customers'), week_ending()) }}
)
select
    subscriptions.org_id,
    subscriptions.subscription_id,
    subscriptions.snapshot_date
from subscriptions
left join customers
    on customers.org_id = subscriptions.org_id
where customers.org_id is null
