"""The operator console (``predator serve``, docs/operator.md): a loopback-only control API and the Mirror pages.

:mod:`predator.console.app` builds the FastAPI application (no business logic, no SQL: reads through
:mod:`predator.db.console_reads` as the auditor, writes as one governed ``api.*`` call each as the operator),
:mod:`predator.console.security` the token, sessions, CSRF and Host allow-list, :mod:`predator.console.errors`
the SQLSTATE → HTTP status mapping, :mod:`predator.console.server` the listening socket and uvicorn.
"""
