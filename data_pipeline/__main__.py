from data_pipeline.cli import app

app(prog_name="python -m data_pipeline")
