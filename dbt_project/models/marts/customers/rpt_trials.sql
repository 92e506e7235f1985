-- One row per trial (type TRIAL) active at D, with the products and license totals of its license
-- lines in the licenses snapshot in force at D. The Trials export.
with lines as (
    select * from {{ ref('int_subscription_lines_joined') }}
    where subscription_type = 'TRIAL' and is_active
)

select
    max(customer_name) as customer,
    org_id,
    subscription_id,
    {{ sorted_join('product') }} as products,
    max(start_date) as start_date,
    max(end_date) as end_date,
    {{ dbt.datediff(week_ending(), 'max(end_date)', 'day') }} as days_left,
    coalesce(sum(total_units), 0) as total_licenses,
    coalesce(sum(consumed_units), 0) as assigned_licenses
from lines
group by org_id, subscription_id
