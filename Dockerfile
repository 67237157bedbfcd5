# The Parsecgo Workshop image: gunicorn by default; the same image runs the PDF worker
# (`python manage.py worker`) and the migrations. See docs/deploying.md, "Docker Compose".
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    WEB_CONCURRENCY=3

# WeasyPrint's system libraries: Pango lays out the PDF's text (through HarfBuzz, which also
# subsets the embedded fonts, and fontconfig). The fonts themselves ship in static/fonts/.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 10001 parsecgo

WORKDIR /app
RUN python -m venv "$VIRTUAL_ENV"
COPY pyproject.toml README.md ./
COPY parsecgo_site parsecgo_site
COPY patterns patterns
COPY workshops workshops
RUN pip install .
COPY manage.py ./
COPY templates templates
COPY static static

# The static files, hashed and compressed, are part of the image: every container serves
# them itself through WhiteNoise. collectstatic only loads the settings, which want a
# secret when DEBUG is off; this one exists during this step only and signs nothing.
RUN DEBUG=false ALLOWED_HOSTS=build.invalid \
    SECRET_KEY=build-time-only-not-a-secret-collectstatic-signs-nothing-with-it \
    python manage.py collectstatic --noinput --verbosity 0

USER parsecgo
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "parsecgo_site.healthcheck", "http://127.0.0.1:8000/healthz"]
# gunicorn takes its number of workers from WEB_CONCURRENCY, further options from GUNICORN_CMD_ARGS.
CMD ["gunicorn", "parsecgo_site.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
