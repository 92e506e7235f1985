-- One row per customer organisation per snapshot date.
with source as (
    select * from {{ source('webex', 'customers') }}
),

renamed as (
    select
        org_id,
        display_name,
        external_id,
        region,
        managed_by,
        created_at,
        last_admin_activity_at,
        snapshot_date,
        source_file,
        source_row
    from source
)

select * from renamed
