#!/bin/sh
# azd preprovision hook: names the trainer image after the git commit being deployed (TRAINER_IMAGE_TAG), so every
# deploy of new code pushes a new tag and an old job's image is never overwritten. A working tree with uncommitted
# changes gets the suffix -dirty; the image digest (recorded by postprovision) still tells such builds apart.
# A tag set by hand (TRAINER_IMAGE_TAG_PINNED=true) is left alone.
set -eu

repo_root="$(cd "$(dirname "$0")/../.." && pwd)"

if [ "${TRAINER_IMAGE_TAG_PINNED:-false}" = "true" ]; then
  echo "TRAINER_IMAGE_TAG_PINNED=true: keeping TRAINER_IMAGE_TAG=${TRAINER_IMAGE_TAG:-latest}."
  exit 0
fi

if ! commit="$(git -C "${repo_root}" rev-parse --short=12 HEAD 2>/dev/null)"; then
  echo "Not a git checkout: the trainer image keeps TRAINER_IMAGE_TAG=${TRAINER_IMAGE_TAG:-latest}; its digest still versions the Azure ML environment." >&2
  exit 0
fi
tag="${commit}"
if [ -n "$(git -C "${repo_root}" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  tag="${commit}-dirty"
fi

if [ "${TRAINER_IMAGE_TAG:-}" != "${tag}" ]; then
  azd env set TRAINER_IMAGE_TAG "${tag}"
  # The recorded digest belongs to the previous tag's image; postprovision records the new one after the push.
  azd env set TRAINER_IMAGE_DIGEST ""
fi
echo "Trainer image tag: ${tag}."

# The HTTP API's Entra app registration, with the reader and operator app roles of infra/auth/api-app-roles.json
# (App Service Authentication validates tokens issued for it; the functions check the roles). Created once; its
# roles are brought up to date on every provision. Assign the roles to users or groups in Enterprise applications.
roles_file="${repo_root}/infra/auth/api-app-roles.json"
if [ -z "${API_CLIENT_ID:-}" ]; then
  app_name="autoretrain-api-${AZURE_ENV_NAME:-dev}"
  API_CLIENT_ID="$(az ad app create --display-name "${app_name}" --sign-in-audience AzureADMyOrg \
      --app-roles "@${roles_file}" --query appId --output tsv)"
  az ad app update --id "${API_CLIENT_ID}" --identifier-uris "api://${API_CLIENT_ID}"
  azd env set API_CLIENT_ID "${API_CLIENT_ID}"
  echo "Created the API app registration ${app_name} (${API_CLIENT_ID})."
else
  az ad app update --id "${API_CLIENT_ID}" --app-roles "@${roles_file}"
fi
