# Rasa server with the model trained at build time from this repository's data.
FROM rasa/rasa:3.6.21
WORKDIR /app
USER root
COPY config.yml endpoints.yml credentials.yml /app/
COPY domain /app/domain
COPY nlu_data /app/nlu_data
COPY stories /app/stories
COPY rasa_ext /app/rasa_ext
COPY vntext /app/vntext
COPY common /app/common
COPY data /app/data
ENV PYTHONPATH=/app RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2
RUN rasa train --data nlu_data stories --domain domain --config config.yml \
      --out models --fixed-model-name trutet && chown -R 1001 /app
USER 1001
ENTRYPOINT ["python", "-m", "rasa_ext.run"]
CMD ["run", "--enable-api", "-m", "models/trutet.tar.gz", "--endpoints", "endpoints.yml", \
     "--credentials", "credentials.yml", "-p", "5005"]
