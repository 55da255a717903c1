-- Attendance as supplied, typed.
with attendance as (
    select * from typed_attendance
),

final as (
    select
        event_id,
        participant_id,
        completed,
        pre_score,
        post_score,
        satisfaction
    from attendance
)

select * from final
