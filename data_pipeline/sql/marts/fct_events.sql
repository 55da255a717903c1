-- One row per event with its attendance, completion, satisfaction and knowledge gain; `confidential` when a
-- confidential member hosted it. Attendance is added up from attendance_by_event (built first from
-- fct_attendance, a fifth of its rows at scale), not from the raw source again.
with events as (
    select * from stg_events
),

attendance as (
    select
        event_id,
        cast(sum(attendances) as bigint) as attendances,
        cast(sum(completed) as bigint) as completed,
        sum(satisfaction_sum) / nullif(sum(rated), 0) as avg_satisfaction,
        sum(gain_sum) / nullif(sum(scored), 0) as avg_knowledge_gain
    from attendance_by_event
    group by event_id
),

final as (
    select
        events.event_id,
        events.event_type,
        events.title,
        events.title_public,
        events.start_date,
        events.end_date,
        period_start('month', events.start_date) as month,
        period_start('quarter', events.start_date) as quarter,
        events.city_id,
        events.city_name,
        events.country_iso3,
        events.region,
        events.modality,
        events.topic,
        events.hours,
        coalesce(attendance.attendances, 0) as attendances,
        coalesce(attendance.completed, 0) as completed,
        coalesce(attendance.attendances, 0) * events.hours as participant_hours,
        attendance.avg_satisfaction,
        attendance.avg_knowledge_gain,
        events.confidential
    from events
    left join attendance using (event_id)
)

select * from final
