-- One row per customer of the customers snapshot in force at the end of the report period
-- (report_end; D by default): the conformed customer attributes every period report, the
-- `customers` command and the custom-template tag filters read (SPEC 7 "Periods": names and other
-- attributes come from the snapshots in force on the period's last day). Not admin-scoped: it is a
-- lookup, and every model that reads it is scoped on its own rows.
with

customers as (
    {{ snapshot_in_force(ref('stg_webex__customers'), period_as_of()) }}
),

tags as (
    -- the tags bridge shares the customers partition: read it at the customers' snapshot date
    select
        tags.org_id,
        {{ sorted_join('tags.tag') }} as tags
    from {{ ref('stg_webex__customer_tags') }} as tags
    inner join (select distinct snapshot_date from customers) as customers_snapshot
        on tags.snapshot_date = customers_snapshot.snapshot_date
    where tags.tag is not null
    group by tags.org_id
)

select
    -- ids
    customers.org_id,
    customers.external_id,
    -- strings
    customers.display_name as customer_name,
    customers.region,
    customers.managed_by,
    tags.tags,
    -- timestamps
    customers.created_at,
    customers.last_admin_activity_at,
    -- dates
    customers.snapshot_date
from customers
left join tags
    on customers.org_id = tags.org_id
