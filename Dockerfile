# The Predator worker image (used by docker-compose.yml). The database runs in its own container.
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt pyproject.toml README.md alembic.ini ./
RUN pip install --no-cache-dir -r requirements.txt
COPY predator ./predator
COPY sql ./sql
COPY migrations ./migrations
COPY validations ./validations
COPY reports ./reports
RUN pip install --no-cache-dir --no-deps -e .
USER nobody
CMD ["predator", "--help"]
