-- Every attendance row is counted once in its event's total.
with per_event as (
    select sum(attendances) as n from fct_events
),

facts as (
    select count(*) as n from fct_attendance
),

final as (
    select
        per_event.n as per_event,
        facts.n as facts
    from per_event, facts
    where per_event.n <> facts.n
)

select * from final
