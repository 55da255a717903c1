-- A grant's disbursed total equals the sum of its payments.
with payments as (
    select
        grant_id,
        sum(amount_usd) as paid
    from fct_disbursements
    group by grant_id
),

final as (
    select
        grant_portfolio.grant_id,
        grant_portfolio.disbursed_usd,
        payments.paid
    from grant_portfolio
    join payments using (grant_id)
    where abs(grant_portfolio.disbursed_usd - payments.paid) > 0.01
)

select * from final
