-- One row per customer org of the customers snapshot in force at D: the "Customers" export (SPEC 6.3).
select
    customer_name as customer,
    org_id,
    external_id,
    managed_by,
    products,
    subscription_types,
    statuses,
    tags,
    partner_admins,
    next_expiry_date
from {{ ref('dim_customers') }}
