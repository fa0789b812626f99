"""Alerts (issue 16 item 5): the notifier that delivers the database's alerts outbox through apprise.

The alerts themselves are written by the database, in the transaction of the event that raised them
(``ops.alert_outbox``, migration 0030). This package only delivers them: :mod:`.config` reads the channels (apprise
URLs) from a 0600 file, :mod:`.masking` keeps their secrets out of logs and attempt rows, :mod:`.notifier` delivers,
deduplicates, rate-limits, retries with a bounded backoff and records every attempt (docs/operator.md, "Alerts").
"""
