"""The typed gateway to PostgreSQL: connections, the embedded cluster, migrations, and one function per
``api.*`` routine (:mod:`predator.db.api`). Only this package speaks SQL."""
