"""What leaves the dashboard as a document: the impact summary's words and its PDF, and the CSV / Excel
exports of charts and tables (formula-safe). Pure: the data comes from the query layer, already limited to the
viewer and suppressed."""
