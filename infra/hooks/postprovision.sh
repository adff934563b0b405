#!/bin/sh
# azd postprovision hook: builds the trainer container image in the workspace's container registry
# (ACR Tasks, so no local Docker engine is needed) under the name the function app submits jobs with.
# Set SKIP_TRAINER_IMAGE_BUILD=true to skip (e.g. when the image tag already exists).
set -eu

repo_root="$(cd "$(dirname "$0")/../.." && pwd)"
dockerfile="src/TrainerContainer/Dockerfile"

: "${AZURE_CONTAINER_REGISTRY_NAME:?is not set; run azd provision first}"
: "${TRAINER_IMAGE_NAME:?is not set; run azd provision first}"

# Records the pushed image's digest: the function app's Azure ML environment pins the image by it and takes its
# version from it, so a new push is a new environment even under a reused tag. Kept in the azd environment too,
# so the next provision (main.parameters.json: TRAINER_IMAGE_DIGEST) writes the same app setting.
record_digest() {
  digest="$(az acr repository show --name "${AZURE_CONTAINER_REGISTRY_NAME}" --image "${TRAINER_IMAGE_NAME}" \
      --query digest --output tsv 2>/dev/null || true)"
  if [ -z "${digest}" ]; then
    echo "${TRAINER_IMAGE_NAME} is not in ${AZURE_CONTAINER_REGISTRY_NAME}: training jobs cannot start until it is pushed." >&2
    return 0
  fi
  azd env set TRAINER_IMAGE_DIGEST "${digest}"
  : "${AZURE_RESOURCE_GROUP:?is not set; run azd provision first}"
  : "${FUNCTION_APP_NAME:?is not set; run azd provision first}"
  az functionapp config appsettings set --resource-group "${AZURE_RESOURCE_GROUP}" --name "${FUNCTION_APP_NAME}" \
    --settings "AzureMachineLearning__TrainerImageDigest=${digest}" --output none
  echo "Trainer image ${TRAINER_IMAGE_NAME} is ${digest}."
}

if [ "${SKIP_TRAINER_IMAGE_BUILD:-false}" = "true" ]; then
  echo "SKIP_TRAINER_IMAGE_BUILD=true: not building ${TRAINER_IMAGE_NAME}."
  record_digest
  exit 0
fi

if [ ! -f "${repo_root}/${dockerfile}" ]; then
  echo "No ${dockerfile} in ${repo_root}: skipping the trainer image; training jobs cannot start until it is pushed." >&2
  exit 0
fi

echo "Building ${TRAINER_IMAGE_NAME} in registry ${AZURE_CONTAINER_REGISTRY_NAME} from ${dockerfile}..."
# The build context is the repository root because the trainer image compiles src/Core and src/Imagery with the
# trainer; the root .dockerignore keeps bin/, obj/, .git, tests and bench out of the upload.
az acr build \
  --registry "${AZURE_CONTAINER_REGISTRY_NAME}" \
  --image "${TRAINER_IMAGE_NAME}" \
  --file "${repo_root}/${dockerfile}" \
  "${repo_root}"
echo "Pushed ${TRAINER_IMAGE:-${TRAINER_IMAGE_NAME}}."
record_digest
