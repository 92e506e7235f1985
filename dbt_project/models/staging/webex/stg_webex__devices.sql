-- One row per device per snapshot date.
with source as (
    select * from {{ source('webex', 'devices') }}
),

renamed as (
    select
        device_id,
        org_id,
        person_id,
        workspace_id,
        location_id,
        product,
        device_type,
        device_platform,
        mac,
        serial,
        firmware,
        connection_status,
        snapshot_date,
        source_file,
        source_row
    from source
)

select * from renamed
