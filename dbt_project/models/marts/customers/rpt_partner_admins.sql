-- One row per customer at D and partner admin who manages it (full admins: one row for every
-- customer), within the admin scope. The Partner Admins export.
select
    customer_name as customer,
    org_id,
    admin_id,
    admin_name,
    admin_email,
    role
from {{ ref('int_partner_admin_customers_assigned') }}
where {{ in_admin_scope('org_id') }}
