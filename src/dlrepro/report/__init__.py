"""The report: collect results into report-data.json, render it to HTML and PDF."""
