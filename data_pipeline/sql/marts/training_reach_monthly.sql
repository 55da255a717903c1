-- Additive training reach by month and every breakdown the training page offers; averages are sum / count.
with attendance as (
    select * from fct_attendance
),

final as (
    select
        month,
        region,
        country_iso3,
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
