-- Payments in USD at the rate valid on the payment date.
with payments as (
    select * from typed_disbursements
),

rates as (
    select * from stg_fx_rates
),

final as (
    select
        payments.grant_id,
        payments.paid_on,
        payments.amount,
        payments.currency,
        payments.amount * rates.usd_per_unit as amount_usd
    from payments
    asof left join rates
        on payments.currency = rates.currency and payments.paid_on >= rates.valid_on
)

select * from final
