#!/usr/bin/env bash
# Create .venv and install the project into it. `--dev` adds the test tools.
# torch (for the local embedding model) is installed first, pinned, and on a machine without an NVIDIA GPU from
# PyTorch's CPU-only index: PyPI's torch for Linux is the CUDA build (~19 nvidia packages, several GB). Set
# P2V_TORCH_INDEX to use another index (an empty value: pip's configured index, e.g. for the CUDA build).
set -euo pipefail
cd "$(dirname "$0")/.."
TORCH_VERSION="2.13.0"
CPU_INDEX="https://download.pytorch.org/whl/cpu"
target="."
if [ "${1:-}" = "--dev" ]; then target=".[dev]"; fi
pip_install() { .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@"; }

torch_index() {
    if [ -n "${P2V_TORCH_INDEX+set}" ]; then
        echo "${P2V_TORCH_INDEX}"
    elif command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
        echo ""
    else
        echo "${CPU_INDEX}"
    fi
}

reachable() {
    .venv/bin/python -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + '/torch/', timeout=10)" \
        "$1" >/dev/null 2>&1
}

install_torch() {
    local index
    index="$(torch_index)"
    if [ -n "${index}" ] && reachable "${index}" \
        && pip_install --index-url "${index}" --timeout 20 --retries 1 "torch==${TORCH_VERSION}"; then
        return
    fi
    if [ -n "${index}" ]; then
        echo "bootstrap: ${index} not reachable; torch ${TORCH_VERSION} from pip's configured index" >&2
    fi
    pip_install "torch==${TORCH_VERSION}"
}

python3 -m venv .venv
pip_install --upgrade pip
if ! .venv/bin/python -c "import torch" 2>/dev/null; then install_torch; fi
pip_install -e "$target"
