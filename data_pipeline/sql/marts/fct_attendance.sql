-- One row per attendance, placed where the participant works (else where the event was), for reach.
-- `confidential` when the participant's city or the host city is a confidential member: the query layer keeps
-- such rows inside regional totals for viewers who may not see confidential members.
-- People are by `participant_key` only: their text id, sex, age band and role are in stg_participants (joined on
-- the key where needed; the dashboard splits people by them through bitmaps, see people_split in
-- dashboards/queries/db.py),
-- and the event's modality is in fct_events. Each text column of ten million rows is a noticeable part of a
-- large build to write (more than a number or date; bench/README.md), and nothing read those from here.
with attendance as (
    select * from stg_attendance
),

-- `grant_reach`: the event was hosted in a city where a grant was running on its first day, the reach a donor's
-- impact summary counts (the donor's policy view applies the same test to the donor's own grants). Worked out
-- once per event: one boolean per attendance row costs next to nothing to write.
events as (
    select
        stg_events.*,
        exists(
            select 1 from stg_grants as g
            where
                g.city_id = stg_events.city_id
                and stg_events.start_date between g.start_date and coalesce(g.end_date, stg_events.start_date)
        ) as grant_reach
    from stg_events
),

participants as (
    select * from stg_participants
),

final as (
    select
        attendance.event_id,
        participants.participant_key,
        events.start_date,
        period_start('month', events.start_date) as month,
        period_start('quarter', events.start_date) as quarter,
        events.event_type,
        events.topic,
        events.hours,
        events.city_id as event_city_id,
        coalesce(participants.region, events.region) as region,
        coalesce(participants.country_iso3, events.country_iso3) as country_iso3,
        participants.city_id as participant_city_id,
        attendance.completed,
        attendance.pre_score,
        attendance.post_score,
        attendance.satisfaction,
        participants.confidential or events.confidential as confidential,
        events.grant_reach
    from attendance
    join events using (event_id)
    join participants using (participant_id)
)

select * from final
