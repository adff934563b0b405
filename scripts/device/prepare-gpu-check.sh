#!/usr/bin/env bash
# Prepares the GPU check of issue #13 (item 8) for a device machine: one NVIDIA GPU with PyTorch 2.11 + CUDA 13 and
# Python, but no .NET and no TorchSharp CUDA build, no registry, and at most 64 MiB of files carried along.
#
# The plan: carry the benchmark (bench/Detector.Bench, which holds the trainer and pytorch_reference.py) published
# self-contained for linux-x64 WITHOUT libtorch, and let the machine's own PyTorch libraries (torch/lib: libtorch,
# libtorch_cuda, libc10, with CUDA and cuDNN beside them) stand in for it through LD_LIBRARY_PATH. TorchSharp 0.107's
# native binding (libLibTorchSharp.so) is built against libtorch 2.10.0, so whether it loads against 2.11 is exactly
# what the check finds out (scripts/device/gpu-check.sh lists any undefined symbols).
#
# Writes, under .device/ (ignored by git; name it in the device run's carry):
#   bench.tar.xz  the self-contained publish, libtorch removed (about 32 MB)
#   gdit/         GDIT Aerial Airport cut to fit: val whole, the first TRAIN_IMAGES train images by name (and labels)
# Usage: scripts/device/prepare-gpu-check.sh <gdit-aerial-airport folder from make-realdata.sh> [TRAIN_IMAGES (300)]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
gdit=${1:?usage: prepare-gpu-check.sh <gdit-aerial-airport folder> [train images]}
train_images=${2:-300}
out=$root/.device
rm -rf "$out" && mkdir -p "$out"
publish=$(mktemp -d)
trap 'rm -rf "$publish"' EXIT

echo "publishing bench/Detector.Bench self-contained for linux-x64"
dotnet publish "$root/bench/Detector.Bench" -c Release -r linux-x64 --self-contained true -o "$publish/bench" -v quiet -nologo
# libtorch and its OpenMP runtime come from the machine's PyTorch; LibTorchSharp (TorchSharp's binding) stays.
( cd "$publish/bench" && rm -f libtorch*.so* libc10*.so* libgomp* libbackend_with_compiler.so libjitbackend_test.so \
    libnnapi_backend.so libshm.so libaoti_custom_ops.so ./*.pdb )
test -f "$publish/bench/libLibTorchSharp.so"
tar -cJf "$out/bench.tar.xz" -C "$publish" bench

echo "cutting GDIT: val whole, $train_images train images"
for split in train val; do
  mkdir -p "$out/gdit/$split/images" "$out/gdit/$split/labelTxt"
  limit=$([ "$split" = train ] && echo "$train_images" || echo 1000000)
  find "$gdit/$split/images" -maxdepth 1 -type f | sort | head -n "$limit" | while read -r image; do
    stem=$(basename "${image%.*}")
    cp "$image" "$out/gdit/$split/images/"
    cp "$gdit/$split/labelTxt/$stem.txt" "$out/gdit/$split/labelTxt/"
  done
done

carried=$(du -sb "$out" | cut -f1)
tracked=$(git -C "$root" ls-files -z | (cd "$root" && xargs -0 du -cb 2>/dev/null) | tail -1 | cut -f1)
echo "carried .device: $((carried / 1048576)) MiB; tracked files: $((tracked / 1048576)) MiB; limit 64 MiB"
[ $((carried + tracked)) -lt $((64 * 1048576)) ] || { echo "over the 64 MiB a device run takes: pass fewer train images" >&2; exit 1; }
