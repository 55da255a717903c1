-- Member counts can't go below zero, and a month can't lose more members than it had.
with final as (
    select * from membership_monthly
    where members < 0 or exits < 0 or joins < 0
)

select * from final
