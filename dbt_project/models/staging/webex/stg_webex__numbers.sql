-- One row per phone number / extension item of an org numbers entry per snapshot date.
with source as (
    select * from {{ source('webex', 'numbers') }}
),

renamed as (
    select
        org_id,
        phone_number,
        extension,
        state,
        phone_number_type,
        is_main_number,
        location_id,
        location_name,
        owner_id,
        owner_type,
        owner_first_name,
        owner_last_name,
        number_index,
        snapshot_date,
        source_file,
        source_row
    from source
)

select * from renamed
