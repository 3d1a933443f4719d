# Rasa SDK action server with this repository's actions.
FROM rasa/rasa-sdk:3.6.2
WORKDIR /app
USER root
RUN pip install --no-cache-dir httpx==0.28.1 phonenumbers==9.0.43 tenacity==9.1.2
COPY actions /app/actions
COPY vntext /app/vntext
COPY common /app/common
COPY data /app/data
RUN mkdir -p /app/var && chown 1001 /app/var
ENV PYTHONPATH=/app SANIC_HOST=0.0.0.0 VAR_DIR=/app/var
USER 1001
ENTRYPOINT ["python", "-m", "actions.server"]
CMD ["-p", "5055"]
