-- Additive training reach by month and the breakdowns the brief names (region, event type, topic, sex, age band,
-- role); averages are sum / count. No country: at this grain a country's rows could single out a confidential
-- member, and the country is in fct_attendance for the queries that need it. (With country and modality the
-- grain barely aggregated: 7.8M rows from 10.8M attendances, a quarter of a large build's time.)
-- Sex, age band and role are the participant's, from stg_participants (fct_attendance keeps only their key).
with attendance as (
    select * from fct_attendance
),

participants as (
    select participant_key, gender, age_band, role from stg_participants
),

final as (
    select
        month,
        region,
        event_type,
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
    join participants using (participant_key)
    group by all
)

select * from final
