-- One row per meeting participation (org_id, meeting_id, lower(email), joined_at).
with source as (
    select * from {{ source('webex', 'meeting_participants') }}
),

renamed as (
    select
        org_id,
        meeting_id,
        email,
        is_host,
        joined_at,
        left_at,
        week_ending,
        source_file,
        source_row
    from source
)

select * from renamed
