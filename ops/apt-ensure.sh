#!/usr/bin/env bash
# Debian packages the store needs at run time: Tesseract OCR and its Vietnamese model, to read
# scanned directives (store/knowledge/ocr.py). `make` runs this before every set-up, so it must be
# quick when all is there (one dpkg-query) and idempotent. Missing packages are installed with
# apt-get (as root, or with sudo); when that is impossible it stops and names what to install.
# Usage: bash ops/apt-ensure.sh [package …]   (default: tesseract-ocr tesseract-ocr-vie)
set -euo pipefail

packages=("$@")
[ ${#packages[@]} -gt 0 ] || packages=(tesseract-ocr tesseract-ocr-vie)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null || true)
    [[ $status == ii* ]] || missing+=("$package")
  done
elif command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx vie; then
  exit 0  # not Debian, but Tesseract with Vietnamese is there (Homebrew, another distro)
else
  echo "Thiếu Tesseract OCR tiếng Việt (đọc công văn scan). Hãy cài: ${packages[*]}" \
       "(Debian/Ubuntu: apt-get install ${packages[*]})." >&2
  exit 1
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "Thiếu gói Debian: ${missing[*]} (OCR công văn scan). Hãy chạy với quyền root:" \
       "apt-get install ${missing[*]}" >&2
  exit 1
fi

echo "Đang cài gói Debian còn thiếu: ${missing[*]} (OCR công văn scan)…"
export DEBIAN_FRONTEND=noninteractive
install=("${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}")
# The package lists of a fresh machine may be empty or stale: update once, then try again.
if ! "${install[@]}" >/dev/null 2>&1; then
  "${sudo[@]}" apt-get update -q >/dev/null
  "${install[@]}" >/dev/null || {
    echo "Không cài được: ${missing[*]}. Hãy chạy: sudo apt-get update &&" \
         "sudo apt-get install ${missing[*]}" >&2
    exit 1
  }
fi
