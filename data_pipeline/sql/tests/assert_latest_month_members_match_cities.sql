-- Members in the last month of the series equal cities that are members at the reference date.
with last_month as (
    select sum(m.members) as members
    from membership_monthly as m
    where m.month = (select max(latest.month) from membership_monthly as latest)
),

cities as (
    select count_if(is_member) as members from city_engagement
),

final as (
    select
        last_month.members,
        cities.members as cities
    from last_month, cities
    where last_month.members <> cities.members
)

select * from final
