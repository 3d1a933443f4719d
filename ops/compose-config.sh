#!/usr/bin/env bash
# Validate docker-compose.yml without a Docker engine; installs Debian's docker-compose if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
elif docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's docker-compose to validate docker-compose.yml" >&2
  (apt-get install -y -qq docker-compose >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq docker-compose >/dev/null; })
  compose=(docker-compose)
else
  echo "docker-compose is not installed: install the docker-compose package to check docker-compose.yml" >&2
  exit 1
fi
"${compose[@]}" -f docker-compose.yml --env-file .env.example config --quiet
echo "docker-compose.yml: valid"
