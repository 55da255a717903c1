with donors as (
    select * from typed_donors
),

final as (
    select
        donor_id,
        donor_name,
        donor_type
    from donors
)

select * from final
