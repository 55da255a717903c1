-- attendance_by_event holds the same attendance as fct_attendance: per event type (so a row lost or counted
-- twice shows), every count is equal and every sum equal to rounding.
with summed as (
    select
        event_type,
        sum(attendances) as attendances,
        sum(completed) as completed,
        sum(participant_hours) as participant_hours,
        sum(scored) as scored,
        sum(gain_sum) as gain_sum,
        sum(rated) as rated,
        sum(satisfaction_sum) as satisfaction_sum
    from attendance_by_event
    group by event_type
),

facts as (
    select
        event_type,
        count(*) as attendances,
        count_if(completed) as completed,
        sum(hours) as participant_hours,
        count(pre_score + post_score) as scored,
        sum(post_score - pre_score) as gain_sum,
        count(satisfaction) as rated,
        sum(satisfaction) as satisfaction_sum
    from fct_attendance
    group by event_type
),

final as (
    select
        facts.event_type,
        facts.attendances,
        summed.attendances as summed_attendances
    from facts
    full join summed using (event_type)
    where
        summed.attendances is distinct from facts.attendances
        or summed.completed is distinct from facts.completed
        or summed.scored is distinct from facts.scored
        or summed.rated is distinct from facts.rated
        or summed.satisfaction_sum is distinct from facts.satisfaction_sum
        or abs(summed.participant_hours - facts.participant_hours) > 1e-6 * facts.participant_hours
        or abs(coalesce(summed.gain_sum, 0) - coalesce(facts.gain_sum, 0))
        > 1e-6 * abs(coalesce(facts.gain_sum, 0)) + 1e-6
)

select * from final
