-- Members at each month's end, and joins and exits in the month, by region and country; confidential members
-- are counted in rows of their own (`confidential`), so a viewer who may not see them can fold those rows into
-- the region's total without a country row revealing that a confidential city there is a member.
with params as (
    select as_of from build_params
),

cities as (
    select city_id, region, country_iso3, confidential, joined_on, left_on from stg_cities
),

months as (
    select cast(month as date) as month
    from params,
        range(
            date_trunc('month', (select min(joined_on) from cities)),
            params.as_of + interval 1 day,
            interval 1 month
        ) as spine(month)
),

city_months as (
    select
        months.month,
        least(cast(months.month + interval 1 month - interval 1 day as date), params.as_of) as month_end,
        cities.*
    from months
    cross join cities
    cross join params
),

final as (
    select
        month,
        region,
        country_iso3,
        confidential,
        count_if(joined_on <= month_end and (left_on is null or left_on > month_end)) as members,
        count_if(date_trunc('month', joined_on) = month) as joins,
        count_if(left_on is not null and date_trunc('month', left_on) = month) as exits
    from city_months
    group by month, region, country_iso3, confidential
)

select * from final
