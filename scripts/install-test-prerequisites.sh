#!/usr/bin/env bash
# What the tests need beyond the .NET SDK on a fresh Debian 12 machine:
#  - Chromium, to render the HTML report in a test (Debian package);
#  - DejaVu fonts, which the charts load explicitly (SkiaSharp's dependency-free build has no fontconfig);
#  - Python's YAML parser, which cross-checks the MLflow file store's meta.yaml files (python3-yaml).
# Idempotent: skips what is already there.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
python3 -c "import yaml" >/dev/null 2>&1 || need+=(python3-yaml)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
