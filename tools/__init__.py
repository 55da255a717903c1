"""What is not the app: the users command line (users.py) and the screenshots (screenshots.py). The demo data
generator is data_pipeline/demo.py (`python -m data_pipeline demo`, make demo-data)."""
