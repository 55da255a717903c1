-- Every amount reached US dollars (a missing rate would leave NULL and silently shrink totals).
with final as (
    select
        grant_id,
        'award' as what
    from stg_grants
    where awarded_usd is null
    union all
    select
        grant_id,
        'payment' as what
    from stg_disbursements
    where amount_usd is null
)

select * from final
