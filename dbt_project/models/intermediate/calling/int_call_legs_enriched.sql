-- One row per CDR leg of the calling window (int_call_legs_windowed) with its endpoint type and
-- media quality (SPEC 6.4).
with

legs as (
    select * from {{ ref('int_call_legs_windowed') }}
),

-- one device per (org, MAC) of the devices inventory in force at the end of the report period (D
-- by default); shared with fct_call_legs (macros/calling_legs.sql)
devices_by_mac as (
    {{ calling_devices_by_mac() }}
),

device_endpoint_types as (
    select * from {{ ref('calling_device_endpoint_types') }}
),

client_endpoint_types as (
    select * from {{ ref('calling_client_endpoint_types') }}
),

-- the media records the window's legs can match, every week of them (not only the weeks an
-- incremental build recomputes: this view is read as it is, whatever the last build recomputed)
media as (
    {{ calling_media_sessions() }}
),

enriched as (
    select
        legs.report_id,
        legs.org_id,
        legs.correlation_id,
        legs.call_id,
        legs.local_session_id,
        legs.user_id,
        devices_by_mac.device_id,
        legs.direction,
        legs.call_type,
        legs.client_type,
        legs.device_mac,
        legs.location_name,
        legs.user_type,
        legs.original_reason,
        legs.redirect_reason,
        legs.related_reason,
        {{ calling_endpoint_type() }} as endpoint_type,
        legs.duration_seconds,
        media.audio_jitter_ms,
        media.audio_latency_ms,
        media.audio_packet_loss_pct,
        media.video_jitter_ms,
        media.video_latency_ms,
        media.video_packet_loss_pct,
        legs.is_originating,
        legs.is_terminating,
        legs.is_answered,
        legs.is_user_leg,
        {{ calling_leg_media_flags() | indent(8) }},
        legs.started_at,
        legs.started_date,
        legs.week_ending
    from legs
    left join devices_by_mac
        on legs.org_id = devices_by_mac.org_id
            and {{ normalised_mac('legs.device_mac') }} = devices_by_mac.mac
    left join device_endpoint_types
        on devices_by_mac.device_platform = lower(device_endpoint_types.device_platform)
            and devices_by_mac.device_type = lower(device_endpoint_types.device_type)
    left join client_endpoint_types
        on upper(legs.client_type) = upper(client_endpoint_types.client_type)
    left join media
        on {{ calling_leg_media_join() }}
)

select * from enriched
