-- Attendance added up per event and per place its participants work in (region, country, and whether the
-- participant's or host city is a confidential member): every filter of the attendance queries (dates, event
-- type, topic, region, country) applies to it as to fct_attendance, with the same access rule, and the learning
-- measures are sums and counts (averages = sum / count). It has a fifth of fct_attendance's rows, so the learning
-- measures read from it are several times faster (bench/README.md, "Figures behind the pipeline's comments").
-- Distinct people cannot be added up: they stay in fct_attendance. (The event's own columns are joined on after
-- adding up: carrying them through the aggregate costs more.)
with attendance as (
    select * from fct_attendance
),

events as (
    select * from stg_events
),

sums as (
    select
        event_id,
        region,
        country_iso3,
        confidential,
        count(*) as attendances,
        count_if(completed) as completed,
        sum(hours) as participant_hours,
        count(pre_score + post_score) as scored,
        sum(post_score - pre_score) as gain_sum,
        sum(pre_score) filter (where post_score is not null) as pre_sum,
        sum(post_score) filter (where pre_score is not null) as post_sum,
        count(satisfaction) as rated,
        sum(satisfaction) as satisfaction_sum
    from attendance
    group by event_id, region, country_iso3, confidential
),

final as (
    select
        sums.event_id,
        events.start_date,
        period_start('month', events.start_date) as month,
        period_start('quarter', events.start_date) as quarter,
        events.event_type,
        events.modality,
        events.topic,
        events.hours,
        events.city_id as event_city_id,
        sums.region,
        sums.country_iso3,
        sums.confidential,
        sums.attendances,
        sums.completed,
        sums.participant_hours,
        sums.scored,
        sums.gain_sum,
        sums.pre_sum,
        sums.post_sum,
        sums.rated,
        sums.satisfaction_sum
    from sums
    join events using (event_id)
)

select * from final
