"""Workflows a page starts that change what everyone sees (check an upload, publish it, roll back): each checks
the viewer may, runs the pipeline's own function, records what happened in the audit log and clears the answer
cache when the data changed. Callbacks call them and only turn the outcome into components."""
