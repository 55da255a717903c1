"""Named query functions, one module per page plus `common`: each takes `Filters` (and a `Viewer`) and
returns a small, aggregated pandas DataFrame (the viewer defaults to the current request's; its limits apply in
dashboards/queries/db.py). SQL is built here from fixed column names; every value the
person chose reaches DuckDB as a bound parameter."""
