-- One row per call leg media record (org_id, local_session_id), metrics reduced to per-stream, per-direction means at ingestion.
with source as (
    select * from {{ source('webex', 'media_quality') }}
),

renamed as (
    select
        org_id,
        correlation_id,
        local_session_id,
        started_at,
        ended_at,
        audio_in_jitter_ms,
        audio_in_latency_ms,
        audio_in_packet_loss_pct,
        audio_out_jitter_ms,
        audio_out_latency_ms,
        audio_out_packet_loss_pct,
        video_in_jitter_ms,
        video_in_latency_ms,
        video_in_packet_loss_pct,
        video_out_jitter_ms,
        video_out_latency_ms,
        video_out_packet_loss_pct,
        audio_in_sample_count,
        audio_out_sample_count,
        video_in_sample_count,
        video_out_sample_count,
        week_ending,
        source_file,
        source_row
    from source
)

select * from renamed
