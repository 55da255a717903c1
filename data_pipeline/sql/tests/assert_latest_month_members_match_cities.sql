-- Members in the last month of the series equal cities that are members at the reference date.
with last_month as (
    select sum(members) as members
    from membership_monthly
    where month = (select max(month) from membership_monthly)
),

cities as (
    select count_if(is_member) as members from city_engagement
),

final as (
    select last_month.members, cities.members as cities
    from last_month, cities
    where last_month.members <> cities.members
)

select * from final
