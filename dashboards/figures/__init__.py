"""Pure figure functions: `(df, *, ...) -> go.Figure`, no I/O, tested without a browser.

Every figure carries its title in `layout.title` and, when the data is empty, says so in words
(`common.empty`) instead of drawing empty axes.
"""
