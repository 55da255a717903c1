-- Members at each month's end, and joins and exits in the month, by region and country; confidential members
-- are counted in rows of their own (`confidential`), so a viewer who may not see them can fold those rows into
-- the region's total without a country row revealing that a confidential city there is a member.
with params as (
    select as_of from build_params
),

cities as (
    select
        city_id,
        region,
        country_iso3,
        confidential,
        joined_on,
        left_on
    from stg_cities
),

months as (
    select
        period_start as month,
        period_end as month_end
    from date_spine('month', (select min(joined_on) from cities), (select as_of from params))
),

city_months as (
    select
        months.month,
        months.month_end,
        cities.*
    from months
    cross join cities
),

final as (
    select
        month,
        region,
        country_iso3,
        confidential,
        count_if(is_member_on(joined_on, left_on, month_end)) as members,
        count_if(period_start('month', joined_on) = month) as joins,
        count_if(left_on is not null and period_start('month', left_on) = month) as exits
    from city_months
    group by month, region, country_iso3, confidential
)

select * from final
