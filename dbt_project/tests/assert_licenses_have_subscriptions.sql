{{ config(severity='warn') }}
-- Licenses of the snapshot in force at D whose (org_id, subscription_id) is not a subscription of
-- the subscriptions snapshot in force at D. Warn only: real Webex data has orphans (e.g. a
-- subscription cancelled before its licenses were removed). One row per orphan license.
with licenses as (
    {{ snapshot_in_force(ref('stg_webex__licenses'), week_ending()) }}
),
subscriptions as (
    {{ snapshot_in_force(ref('stg_webex__subscriptions'), week_ending()) }}
)
select
    licenses.org_id,
    licenses.license_id,
    licenses.subscription_id,
    licenses.snapshot_date
from licenses
left join subscriptions
    on subscriptions.subscription_id = licenses.subscription_id
    and subscriptions.org_id = licenses.org_id
where licenses.subscription_id is not null
    and subscriptions.subscription_id is null
