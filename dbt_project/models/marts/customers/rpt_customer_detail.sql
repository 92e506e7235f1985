-- One row per subscription line: each subscription of a customer at D and license line of it (a
-- subscription without a license line: one row, license columns empty). The Customer Detail export.
with lines as (
    select * from {{ ref('int_subscription_lines_joined') }}
)

select
    customer_name as customer,
    org_id,
    subscription_id,
    case subscription_type
        when 'SUBSCRIPTION' then 'Subscription'
        when 'TRIAL' then 'Trial'
        else subscription_type
    end as subscription_type,
    case status
        when 'ACTIVE' then 'Active'
        when 'PROVISIONING' then 'Provisioning'
        when 'SUSPENDED' then 'Suspended'
        when 'EXPIRED' then 'Expired'
        when 'CANCELLED' then 'Cancelled'
        else status
    end as status,
    start_date,
    end_date,
    -- Renewal Date = End Date when the subscription renews automatically, else empty
    case when is_auto_renew then end_date end as renewal_date,
    is_auto_renew,
    invoice_id,
    license_id,
    license_name as license,
    product,
    total_units as total_licenses,
    consumed_units as assigned_licenses
from lines
