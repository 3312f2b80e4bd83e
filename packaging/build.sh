#!/usr/bin/env bash
# Build the one-folder app: packaging/build.sh cpu|gpu  →  dist/tradeoff-studio/tradeoff-studio
#
# A build venv (build/venv-<flavour>) gets PyInstaller and the runtime dependencies from
# pyproject.toml, with the flavour's onnxruntime: `cpu` the plain `onnxruntime` wheel, `gpu`
# `onnxruntime-gpu[cuda,cudnn]` (NVIDIA's CUDA and cuDNN wheels, so no system CUDA is needed).
# Then PyInstaller runs packaging/tradeoff-studio.spec and the bundle's size is printed.
# Check it with: QT_QPA_PLATFORM=offscreen dist/tradeoff-studio/tradeoff-studio --smoke
set -euo pipefail
flavour="${1:-}"
case "$flavour" in
  cpu|gpu) ;;
  *) echo "usage: packaging/build.sh cpu|gpu" >&2; exit 2 ;;
esac
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/build/venv-$flavour"
python="${PYTHON:-python3}"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check --quiet)
"${pip[@]}" install "pyinstaller==6.22.*"
# The runtime dependencies as declared, minus onnxruntime (the flavour chooses it below).
"$venv/bin/python" - "$root/pyproject.toml" > "$venv/runtime-requirements.txt" <<'PY'
import sys, tomllib
for requirement in tomllib.load(open(sys.argv[1], "rb"))["project"]["dependencies"]:
    if not requirement.startswith("onnxruntime"):
        print(requirement)
PY
"${pip[@]}" install -r "$venv/runtime-requirements.txt"
if [ "$flavour" = cpu ]; then
  "${pip[@]}" uninstall -y onnxruntime-gpu >/dev/null 2>&1 || true
  "${pip[@]}" install "onnxruntime>=1.20"
else
  "${pip[@]}" uninstall -y onnxruntime >/dev/null 2>&1 || true
  "${pip[@]}" install "onnxruntime-gpu[cuda,cudnn]==1.31.*"
fi
"$venv/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$root/dist" --workpath "$root/build/pyinstaller-$flavour" "$root/packaging/tradeoff-studio.spec"
size_mb="$(du -sm "$root/dist/tradeoff-studio" | cut -f1)"
echo "bundle: $root/dist/tradeoff-studio/tradeoff-studio ($flavour) size_mb=$size_mb"
