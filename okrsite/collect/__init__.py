"""`okrsite collect`: values read from where they live (GitHub, Prometheus, JSON, a command)
and appended as check-in rows."""
