#!/bin/sh
# azd postprovision hook: builds the trainer container image in the workspace's container registry
# (ACR Tasks, so no local Docker engine is needed) under the name the function app submits jobs with.
# Set SKIP_TRAINER_IMAGE_BUILD=true to skip (e.g. when the image tag already exists).
set -eu

repo_root="$(cd "$(dirname "$0")/../.." && pwd)"
dockerfile="src/TrainerContainer/Dockerfile"

: "${AZURE_CONTAINER_REGISTRY_NAME:?is not set; run azd provision first}"
: "${TRAINER_IMAGE_NAME:?is not set; run azd provision first}"

if [ "${SKIP_TRAINER_IMAGE_BUILD:-false}" = "true" ]; then
  echo "SKIP_TRAINER_IMAGE_BUILD=true: not building ${TRAINER_IMAGE_NAME}."
  exit 0
fi

if [ ! -f "${repo_root}/${dockerfile}" ]; then
  echo "No ${dockerfile} in ${repo_root}: skipping the trainer image; training jobs cannot start until it is pushed." >&2
  exit 0
fi

echo "Building ${TRAINER_IMAGE_NAME} in registry ${AZURE_CONTAINER_REGISTRY_NAME} from ${dockerfile}..."
# The build context is the repository root because the trainer image compiles src/Core with the trainer.
az acr build \
  --registry "${AZURE_CONTAINER_REGISTRY_NAME}" \
  --image "${TRAINER_IMAGE_NAME}" \
  --file "${repo_root}/${dockerfile}" \
  "${repo_root}"
echo "Pushed ${TRAINER_IMAGE:-${TRAINER_IMAGE_NAME}}."
