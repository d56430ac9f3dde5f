# The Obscura service (API and workers), installed the way README.md installs it:
# the pinned lock file, then the package itself without resolving again.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /srv/obscura

COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

COPY pyproject.toml README.md ./
COPY app ./app
COPY adql ./adql
COPY obscore ./obscore
COPY sia ./sia
COPY vometa ./vometa
COPY pixels ./pixels
RUN pip install --no-cache-dir --no-deps . \
    && useradd --system --create-home --home-dir /var/lib/obscura obscura \
    && mkdir -p /data && chown obscura /data

USER obscura
ENV OBSCURA_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8000
CMD ["obscura", "serve", "--host", "0.0.0.0", "--port", "8000"]
