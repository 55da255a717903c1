-- Additive training reach by month and every breakdown the training page offers; averages are sum / count.
-- `confidential` when the row's country comes from a confidential member: the participant's city when known,
-- else the host city (the same city `fct_attendance` takes the country from).
with attendance as (
    select * from fct_attendance
),

confidential_cities as (
    select city_id from stg_cities where confidential
),

final as (
    select
        month,
        region,
        country_iso3,
        coalesce(
            coalesce(participant_city_id, event_city_id) in (select city_id from confidential_cities), false
        ) as confidential,
        event_type,
        modality,
        topic,
        gender,
        age_band,
        role,
        count(*) as attendances,
        count_if(completed) as completed,
        sum(hours) as participant_hours,
        count(pre_score + post_score) as scored,
        sum(pre_score) filter (where post_score is not null) as pre_sum,
        sum(post_score) filter (where pre_score is not null) as post_sum,
        count(satisfaction) as rated,
        sum(satisfaction) as satisfaction_sum
    from attendance
    group by all
)

select * from final
