# The Predator worker image (used by docker-compose.yml). The database runs in its own container.
#
# It runs as the unprivileged user `predator` (never root, never `nobody`, which has no writable home),
# whose home is PREDATOR_HOME=/var/lib/predator: created here with its logs/ directory and owned by that
# user, so a fresh volume mounted there (docker-compose.yml: worker) inherits the ownership and the worker
# can write its logs. PREDATOR_UID/PREDATOR_GID (build arguments, default 1000) give `predator` the ids of
# the host user who owns the compose secrets, which compose bind-mounts with their host owner and mode 0600.
# docker/entrypoint.sh checks PREDATOR_HOME before every command and says what to fix when it cannot write
# there; tests/integration/test_container_layout.py checks this file and runs that entrypoint as an
# unprivileged user without an engine.
FROM python:3.11-slim

ARG PREDATOR_UID=1000
ARG PREDATOR_GID=1000
ENV PREDATOR_HOME=/var/lib/predator \
    PREDATOR_DATA=/data \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

RUN if [ "${PREDATOR_UID}" = 0 ] || [ "${PREDATOR_GID}" = 0 ]; then \
        echo "PREDATOR_UID/PREDATOR_GID 0: the image never runs as root; generate the secrets as an ordinary user" >&2; \
        exit 1; \
    fi \
 && groupadd --gid "${PREDATOR_GID}" predator \
 && useradd --uid "${PREDATOR_UID}" --gid predator --home-dir /var/lib/predator --no-create-home \
            --shell /usr/sbin/nologin predator \
 && mkdir -p /var/lib/predator/logs \
 && chown -R predator:predator /var/lib/predator \
 && chmod 0750 /var/lib/predator

WORKDIR /app
COPY requirements.txt pyproject.toml README.md alembic.ini ./
# libgomp1: the OpenMP runtime LightGBM's wheel links (the model lane, predator.ml.train); slim images lack it.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir -r requirements.txt
COPY predator ./predator
COPY sql ./sql
COPY migrations ./migrations
COPY validations ./validations
COPY reports ./reports
RUN pip install --no-cache-dir --no-deps -e .
COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/predator-entrypoint

USER predator
VOLUME ["/var/lib/predator"]
ENTRYPOINT ["predator-entrypoint"]
CMD ["predator", "--help"]
