-- Rates to USD; USD itself is always 1 so sources need not list it.
with rates as (
    select
        currency,
        valid_on,
        usd_per_unit
    from typed_fx_rates
),

usd as (
    select
        'USD' as currency,
        date '1900-01-01' as valid_on,
        1.0 as usd_per_unit
),

final as (
    select * from rates
    where currency <> 'USD'
    union all
    select * from usd
)

select * from final
