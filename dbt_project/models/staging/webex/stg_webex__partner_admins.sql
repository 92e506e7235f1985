-- One row per partner administrator per snapshot date.
with source as (
    select * from {{ source('webex', 'partner_admins') }}
),

renamed as (
    select
        admin_id,
        email,
        display_name,
        role,
        snapshot_date,
        source_file,
        source_row
    from source
)

select * from renamed
