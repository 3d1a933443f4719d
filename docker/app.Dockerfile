# Store and Telegram gateway (Python 3.11); the command picks which one runs.
FROM python:3.11-slim
WORKDIR /app
# Scanned directives are read by Tesseract with its Vietnamese model.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-vie \
    && rm -rf /var/lib/apt/lists/*
COPY requirements/app.txt /app/requirements/app.txt
RUN pip install --no-cache-dir -r requirements/app.txt
COPY common /app/common
COPY vntext /app/vntext
COPY store /app/store
COPY bot /app/bot
COPY data /app/data
ENV PYTHONPATH=/app PYTHONUNBUFFERED=1 VAR_DIR=/var/lib/trutet
RUN useradd --uid 1001 --create-home trutet && mkdir -p /var/lib/trutet \
    && chown trutet /var/lib/trutet
USER trutet
CMD ["python", "-m", "store"]
