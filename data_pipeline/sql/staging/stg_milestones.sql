-- Milestones with their step on the engagement ladder (1 = first step).
with milestones as (
    select * from typed_milestones
),

ladder as (
    select
        milestone,
        step
    from ref_milestones
),

final as (
    select
        milestones.city_id,
        milestones.milestone,
        ladder.step,
        milestones.achieved_on
    from milestones
    join ladder using (milestone)
)

select * from final
