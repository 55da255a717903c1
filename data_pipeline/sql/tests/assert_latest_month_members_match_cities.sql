-- Members in the last month of the series (its end cut at the reference date) equal the cities that are members
-- at the reference date; a series without that month fails too.
with months as (
    select
        period_start,
        members
    from kpi_by_period
    where grain = 'month' and region = 'All regions'
),

last_month as (
    select arg_max(members, period_start) as members from months
),

cities as (
    select count_if(is_member) as members from city_engagement
),

final as (
    select
        last_month.members,
        cities.members as cities
    from last_month, cities
    where last_month.members is distinct from cities.members
)

select * from final
