FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY parindex parindex
COPY scoring scoring
COPY surveys surveys
RUN pip install --no-cache-dir .
COPY . .
RUN python manage.py compilemessages --ignore=.venv -v0 \
 && DEBUG=0 SECRET_KEY=build-only python manage.py collectstatic --noinput -v0
RUN useradd --system --home /app parindex && mkdir -p /data/media && chown -R parindex /data
USER parindex
EXPOSE 8000
CMD ["gunicorn", "parindex.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
