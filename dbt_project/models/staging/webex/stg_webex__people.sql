-- One row per person per snapshot date.
with source as (
    select * from {{ source('webex', 'people') }}
),

renamed as (
    select
        person_id,
        org_id,
        display_name,
        primary_email,
        location_id,
        created_at,
        snapshot_date,
        source_file,
        source_row
    from source
)

select * from renamed
