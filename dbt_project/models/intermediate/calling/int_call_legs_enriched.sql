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

-- per-direction means count only when that direction has samples (SPEC 6.4: a present stream)
media as (
    select
        org_id,
        local_session_id,
        coalesce(audio_in_sample_count, 0) + coalesce(audio_out_sample_count, 0) as audio_sample_count,
        coalesce(video_in_sample_count, 0) + coalesce(video_out_sample_count, 0) as video_sample_count,
        {%- for stream in ['audio', 'video'] %}
            {%- for metric in ['jitter_ms', 'latency_ms', 'packet_loss_pct'] %}
        {{ greater_of(
            'case when coalesce(' ~ stream ~ '_in_sample_count, 0) > 0 then ' ~ stream ~ '_in_' ~ metric ~ ' end',
            'case when coalesce(' ~ stream ~ '_out_sample_count, 0) > 0 then ' ~ stream ~ '_out_' ~ metric ~ ' end'
        ) }} as {{ stream }}_{{ metric }},
            {%- endfor %}
        {%- endfor %}
        week_ending
    from {{ ref('stg_webex__media_quality') }}
    -- a media record starts at or after its leg; 14 days of slack on top of the leg window
    where week_ending > {{ add_days(-7, calling_window_start()) }}
        and week_ending <= {{ add_days(21, calling_window_end()) }}
        -- an incremental build: only the media weeks of the leg weeks it recomputes
        and {{ calling_leg_media_weeks_filter('week_ending') }}
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
        media.local_session_id is not null as is_rated,
        case
            when media.local_session_id is not null then media.audio_sample_count > 0
            else legs.is_answered
        end as has_audio,
        coalesce(media.video_sample_count > 0, false) as has_video,
        coalesce(
            media.audio_jitter_ms > {{ var('poor_jitter_ms') }}
            or media.video_jitter_ms > {{ var('poor_jitter_ms') }}
            or media.audio_latency_ms > {{ var('poor_latency_ms') }}
            or media.video_latency_ms > {{ var('poor_latency_ms') }}
            or media.audio_packet_loss_pct > {{ var('poor_packet_loss_pct') }}
            or media.video_packet_loss_pct > {{ var('poor_packet_loss_pct') }},
            false
        ) as is_poor_quality,
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
    -- only a media record placed in the leg's own week or the next one (its week ending within 14 days
    -- after the leg's start date): a leg's media then never depends on which other weeks are built,
    -- so a week recomputed alone (int_call_legs_weekly) equals the same week of a full build
    left join media
        on legs.org_id = media.org_id
            and legs.local_session_id = media.local_session_id
            and media.week_ending > legs.started_date
            and media.week_ending <= {{ add_days(14, 'legs.started_date') }}
)

select * from enriched
