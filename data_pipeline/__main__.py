"""`python -m data_pipeline`: the pipeline's command line (build, demo, contract, docs; see data_pipeline.cli)."""

from data_pipeline.cli import app

app(prog_name="python -m data_pipeline")
