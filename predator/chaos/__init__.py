"""Chaos campaigns (issue 14, docs/chaos.md "Campaigns"): a seeded fault schedule over a paper run, a
supervisor that runs the worker as its own process and restarts it and PostgreSQL, and the metrics and report
of a campaign."""
