"""The SCN Impact Dashboard: the Dash app's pages and the pieces they share.

docs/architecture.md draws the map: pages/ (one module per page), shell/ (the frame around them), components/,
figures/ (pure), queries/ (the one owner of DuckDB), security/, reports/, serving/; settings, ids, filters,
theme, formatting and notes are shared by all of them.
"""
