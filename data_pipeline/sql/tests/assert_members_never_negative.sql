-- Member counts, joins and exits can't go below zero in any period or region.
with final as (
    select * from kpi_by_period
    where members < 0 or exits < 0 or joins < 0
)

select * from final
