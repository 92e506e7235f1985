-- One row per call leg (CDR), deduplicated on report_id at ingestion (latest report time wins).
with source as (
    select * from {{ source('webex', 'cdr') }}
),

renamed as (
    select
        report_id,
        report_at,
        org_id,
        correlation_id,
        local_session_id,
        started_at,
        answered_at,
        released_at,
        duration_seconds,
        ring_duration_seconds,
        direction,
        is_answered,
        call_type,
        client_type,
        device_mac,
        device_model,
        location_name,
        user_id,
        user_type,
        original_reason,
        redirect_reason,
        related_reason,
        call_outcome,
        week_ending,
        source_file,
        source_row
    from source
)

select * from renamed
