"""The dashboard's pages, one module each: `dash.register_page`, `layout(**query)`, the page's own callbacks
(adapters: read the inputs, call a query function, call a figure function, return) and the allowed values of its
controls. Dash Pages imports every module here that declares a page (app.py's `pages_folder`); `upload.py` is the
data-quality page's upload panel, imported by that page."""
