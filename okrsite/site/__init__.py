"""Stage 5, the site: pages and charts from the scores, built with MkDocs, written to disk."""
