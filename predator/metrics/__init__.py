"""Metrics (issue 16 item 6): a Prometheus exporter on loopback whose collector reads the database's ``api`` views
at scrape time (:mod:`.exporter`; docs/operator.md, "Metrics")."""
