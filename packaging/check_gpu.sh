#!/usr/bin/env bash
# GPU check: packaging/check_gpu.sh WHEEL_DIR
#
# On a machine with an NVIDIA GPU, possibly without network: installs onnxruntime-gpu with NVIDIA's
# CUDA/cuDNN wheels and the app's runtime dependencies from WHEEL_DIR only (pip --no-index) into
# build/venv-gpu-check, then runs packaging/check_gpu.py: the demo's credit table scored by the three
# sample models and a ≥10M-parameter MLP on CUDAExecutionProvider (asserted) and on the CPU, with
# rows per second and the speed-up. Prepare WHEEL_DIR where there is network, for the target's Python:
#   pip download -d WHEEL_DIR "onnxruntime-gpu[cuda,cudnn]==1.31.*" -r <(packaging/check_gpu.sh --requirements)
# Exits 1 with "no CUDA device" when there is none.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
requirements() {
  python3 - "$root/pyproject.toml" <<'PY'
import sys, tomllib
for requirement in tomllib.load(open(sys.argv[1], "rb"))["project"]["dependencies"]:
    if not requirement.startswith("onnxruntime"):
        print(requirement)
PY
}
if [ "${1:-}" = "--requirements" ]; then requirements; exit 0; fi
wheels="${1:-}"
if [ -z "$wheels" ] || [ ! -d "$wheels" ]; then
  echo "usage: packaging/check_gpu.sh WHEEL_DIR (a folder of wheels: onnxruntime-gpu[cuda,cudnn] and the runtime dependencies)" >&2
  exit 2
fi
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "check_gpu: no CUDA device: nvidia-smi is missing or lists no GPU; run this on a machine with an NVIDIA GPU and its driver" >&2
  exit 1
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
venv="$root/build/venv-gpu-check"
[ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check --quiet install --no-index --find-links "$wheels")
"${pip[@]}" "onnxruntime-gpu[cuda,cudnn]==1.31.*"
"${pip[@]}" -r <(requirements)
"$venv/bin/python" "$root/packaging/check_gpu.py"
