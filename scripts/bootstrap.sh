#!/usr/bin/env bash
# Create .venv and install the project into it. `--dev` adds the test tools.
# torch is pinned to 2.13.0 (the CPU build) and installed first: an unpinned torch pulls a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
target="."
if [ "${1:-}" = "--dev" ]; then target=".[dev]"; fi
pip_install() { .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@"; }
python3 -m venv .venv
pip_install --upgrade pip
pip_install "torch==2.13.0"
pip_install -e "$target"
