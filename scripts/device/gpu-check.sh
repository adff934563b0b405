#!/usr/bin/env bash
# The GPU check of issue #13 (item 8), run from the repository root after scripts/device/prepare-gpu-check.sh.
# On a device machine (one call, one prepared script):
#   run(command="bash scripts/device/gpu-check.sh", carry=[".device"], timeout_s=540)
# Locally, without a GPU, the same steps run on the CPU against a libtorch of your choice (a dry run of the bundle):
#   TORCH_LIB=~/.nuget/packages/libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native AUTORETRAIN_PYTHON=/usr/bin/python3 \
#     ROUNDS=2 STEPS=2 MINUTES=1 ARCH=nano bash scripts/device/gpu-check.sh
# It finds out, in order: what the machine has; whether TorchSharp's binding (built against libtorch 2.10.0) links
# against the machine's PyTorch libraries (undefined symbols listed); the trainer's step against PyTorch's on the same
# architecture, weights and batch, on CUDA (nano at 16 x 256 px, then ARCH at 32); a short GDIT training on CUDA with
# ARCH, scored at scene level. Everything lands in $OUT (or .device/out): gpu-check.log, ldd-libtorchsharp.txt and
# the benchmark's JSON files.
set -uo pipefail
out=${OUT:-$PWD/.device/out}
mkdir -p "$out"
exec > >(tee "$out/gpu-check.log") 2>&1
python=${AUTORETRAIN_PYTHON:-$(command -v python3)}
torch_lib=${TORCH_LIB:-$("$python" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')}
arch=${ARCH:-medium}
minutes=${MINUTES:-3}
rounds=${ROUNDS:-5}
steps=${STEPS:-20}
section() { echo; echo "== $(date -u +%T) $*"; }

section machine
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 || echo "no nvidia-smi"
"$python" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version(), "available", torch.cuda.is_available())'
echo "torch lib: $torch_lib"
ls "$torch_lib"
nproc; free -g | head -2

section bundle
work=$(mktemp -d)
[ -f .device/bench.tar.xz ] || { echo "no .device/bench.tar.xz: run scripts/device/prepare-gpu-check.sh and carry .device"; exit 2; }
# Python's tarfile where the machine has no xz.
tar -xJf .device/bench.tar.xz -C "$work" 2> /dev/null \
  || "$python" -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' .device/bench.tar.xz "$work" || exit 2
bench=$work/bench/AutoRetrain.Detector.Bench

section "LibTorchSharp (TorchSharp 0.107, built against libtorch 2.10.0) against $torch_lib"
LD_LIBRARY_PATH=$torch_lib ldd -r "$work/bench/libLibTorchSharp.so" > "$out/ldd-libtorchsharp.txt" 2>&1
echo "undefined symbols: $(grep -c 'undefined symbol' "$out/ldd-libtorchsharp.txt")"
echo "libraries not found: $(grep -c 'not found' "$out/ldd-libtorchsharp.txt")"
grep -E 'undefined symbol|not found' "$out/ldd-libtorchsharp.txt" | head -25 | { command -v c++filt > /dev/null && c++filt || cat; }

# The machine's ICU is unknown; the benchmark needs no culture data.
export LD_LIBRARY_PATH=$torch_lib AUTORETRAIN_PYTHON=$python DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
  OMP_WAIT_POLICY=PASSIVE
device=cuda
"$python" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' || device=cpu
threads=$(( $(nproc) < 8 ? $(nproc) : 8 ))
echo "device for the runs: $device, CPU threads: $threads"

bench_run() {
  local limit=$1; shift
  section "bench $*"
  timeout "$limit" "$bench" "$@"
  echo "exit $?"
}
bench_run 150 steps --device "$device" --arch nano --batch 16 --rounds "$rounds" --steps "$steps" --threads "$threads" --out "gpu-steps-$device-nano.json"
bench_run 180 steps --device "$device" --arch "$arch" --batch 32 --rounds "$rounds" --steps "$steps" --threads "$threads" --out "gpu-steps-$device-$arch.json"
bench_run $((minutes * 60 + 150)) real --set .device/gdit --device "$device" --arch "$arch" --minutes "$minutes" --views 1 --threads "$threads" \
  --out "gpu-real-gdit-subset-$device-$arch.json"
cp bench/results/gpu-*.json "$out/" 2>/dev/null
section done
ls -la "$out"
