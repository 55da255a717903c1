with terms as (
    select * from typed_steering_terms
),

final as (
    select
        city_id,
        term_start,
        term_end,
        role
    from terms
)

select * from final
