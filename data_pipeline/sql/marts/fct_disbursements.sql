-- One row per payment, with the grant's donor and place (`confidential`: the grant's city is a confidential member).
with payments as (
    select * from stg_disbursements
),

grants as (
    select
        grant_id,
        donor_id,
        city_id,
        region,
        country_iso3,
        confidential
    from stg_grants
),

final as (
    select
        payments.grant_id,
        grants.donor_id,
        grants.city_id,
        grants.region,
        grants.country_iso3,
        payments.paid_on,
        period_start('month', payments.paid_on) as month,
        payments.amount,
        payments.currency,
        payments.amount_usd,
        grants.confidential
    from payments
    join grants using (grant_id)
)

select * from final
