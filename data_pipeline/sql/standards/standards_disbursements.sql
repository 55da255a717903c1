-- Payments of the exported grants, in the currency they were made in.
with scope as (
    select grant_id from stg_grants
    where in_export(donor_id, $donor)
),

payments as (
    select * from stg_disbursements
),

final as (
    select
        payments.grant_id,
        payments.paid_on,
        payments.amount,
        payments.currency
    from payments
    semi join scope using (grant_id)
)

select * from final
order by grant_id, paid_on, amount
