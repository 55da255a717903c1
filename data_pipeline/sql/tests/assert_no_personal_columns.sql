-- No column in the published store is named like personal data.
with final as (
    select
        table_name,
        column_name
    from information_schema.columns
    where
        regexp_matches(
            column_name,
            '(^|_)(e_?mail|phone|telephone|mobile|surname|first_?name|last_?name|full_?name|address|birth|dob|'
            || 'passport)(_|$)'
        )
)

select * from final
