"""The app's own state, kept outside the analytics database: saved views, notes on the numbers, pack sets and
subscriptions (store.py is the file)."""
