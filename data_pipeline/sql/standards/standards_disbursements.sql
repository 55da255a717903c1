-- Payments of the published grants, in the currency they were made in.
with payments as (
    select * from stg_disbursements
),

grants as (
    select grant_id from stg_grants
    where $donor::varchar is null or donor_id = $donor::varchar
),

final as (
    select payments.grant_id, payments.paid_on, payments.amount, payments.currency
    from payments
    semi join grants using (grant_id)
)

select * from final order by grant_id, paid_on, amount
