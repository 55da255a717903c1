"""HTTP plumbing that is no page: what the browser downloads and how long it keeps it (static, bundles), the
callback answer cache (answers) on the disk cache (filecache), and the gunicorn worker of the deploy line
(worker)."""
