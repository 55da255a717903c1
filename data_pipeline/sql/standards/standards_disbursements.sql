-- Payments of the published grants, in the currency they were made in.
-- Follows standards_scope.sql: `scope` is the grants exported.
payments as (
    select * from stg_disbursements
),

final as (
    select payments.grant_id, payments.paid_on, payments.amount, payments.currency
    from payments
    semi join scope using (grant_id)
)

select * from final order by grant_id, paid_on, amount
