#!/usr/bin/env bash
# Installs every Debian package switchboard needs to build, test and run.
# Safe to run more than once; needs root (or sudo) on Debian 12.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  libsqlite3-dev libsqlitecpp-dev
  libboost-json1.81-dev
  libsodium-dev
  libhyperscan-dev libsamplerate0-dev libsndfile1-dev
  zlib1g-dev libtomlplusplus-dev libssl-dev openssl
  libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us pocketsphinx-testdata flite pocketsphinx alsa-utils
  libcurl4-openssl-dev python3-aiosmtpd dovecot-imapd kannel kannel-extras
  catch2 libbenchmark-dev
  espeak-ng python3-pydub python3-aubio wrk python3-flask gunicorn
  pybind11-dev python3-dev python3-numpy python3-pytest python3-requests python3-websocket python3-jsonschema
  binutils
  dpkg-dev python3-setuptools python3-wheel python3-pip python3-venv
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "switchboard: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "switchboard: all build packages present"
fi
