#!/usr/bin/env bash
# Print a working Python 3.10 interpreter (Rasa 3.6 needs >=3.8,<3.11), or explain what to install.
set -u
candidates=(python3.10)
if command -v pyenv >/dev/null 2>&1; then
  candidates+=("$(pyenv root)"/versions/3.10.*/bin/python)
fi
candidates+=("$HOME"/.pyenv/versions/3.10.*/bin/python /usr/bin/python3.10 /usr/local/bin/python3.10)
for candidate in "${candidates[@]}"; do
  if "$candidate" -c 'import sys, venv; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
    command -v "$candidate" 2>/dev/null || echo "$candidate"
    exit 0
  fi
done
cat >&2 <<'MSG'
Python 3.10 was not found (Rasa Open Source 3.6.21 needs Python >=3.8,<3.11).
Install it, for example with `pyenv install 3.10.13` or your system's python3.10 and python3.10-venv
packages, then run the command again. The other way: `docker compose up` with docker-compose.yml.
MSG
exit 1
