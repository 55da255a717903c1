"""The SCN Impact Dashboard: Dash pages (one module each) and the pieces they share.

Page modules are found by Dash Pages, which imports every module in this folder that declares a page; shared
modules (settings, db, queries, figures, components) never declare one and are imported normally.
"""
