-- One row per customer org assigned to a partner administrator per snapshot date.
with source as (
    select * from {{ source('webex', 'partner_admin_orgs') }}
),

renamed as (
    select
        admin_id,
        org_id,
        snapshot_date,
        source_file,
        source_row
    from source
)

select * from renamed
