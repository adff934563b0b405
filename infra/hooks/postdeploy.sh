#!/bin/sh
# azd postdeploy hook: subscribes the ingestion function to BlobCreated events of the `incoming` container.
# It runs after the code deploy because the endpoint needs the blobs_extension system key, which the host
# creates only once the deployed app has loaded the blob extension. The subscription itself is the Bicep
# module infra/bicep/modules/events/blobCreatedSubscription.bicep (the same one main.bicep deploys when
# DEPLOY_BLOB_CREATED_SUBSCRIPTION=true); the module reads the key with listKeys, so it never passes through here.
set -eu

repo_root="$(cd "$(dirname "$0")/../.." && pwd)"

: "${AZURE_RESOURCE_GROUP:?is not set; run azd provision first}"
: "${FUNCTION_APP_NAME:?is not set; run azd provision first}"
: "${INGEST_FUNCTION_NAME:?is not set; run azd provision first}"
: "${EVENT_GRID_SYSTEM_TOPIC_NAME:?is not set; run azd provision first}"
: "${STORAGE_ACCOUNT_NAME:?is not set; run azd provision first}"
: "${DEAD_LETTER_CONTAINER_NAME:?is not set; run azd provision first}"

echo "Waiting for the blobs_extension key of ${FUNCTION_APP_NAME}..."
attempt=0
until key_present="$(az functionapp keys list \
    --resource-group "${AZURE_RESOURCE_GROUP}" --name "${FUNCTION_APP_NAME}" \
    --query "systemKeys.blobs_extension != null" --output tsv 2>/dev/null)" && [ "${key_present}" = "true" ]; do
  attempt=$((attempt + 1))
  if [ "${attempt}" -ge 30 ]; then
    echo "The blobs_extension key did not appear in 5 minutes: is ${INGEST_FUNCTION_NAME} a blob trigger with Source = BlobTriggerSource.EventGrid, and did the deploy succeed? Re-run: azd hooks run postdeploy" >&2
    exit 1
  fi
  sleep 10
done

echo "Creating the BlobCreated subscription on ${EVENT_GRID_SYSTEM_TOPIC_NAME} for incoming/..."
az deployment group create \
  --resource-group "${AZURE_RESOURCE_GROUP}" \
  --name blob-created-subscription \
  --template-file "${repo_root}/infra/bicep/modules/events/blobCreatedSubscription.bicep" \
  --parameters \
    systemTopicName="${EVENT_GRID_SYSTEM_TOPIC_NAME}" \
    functionAppName="${FUNCTION_APP_NAME}" \
    ingestFunctionName="${INGEST_FUNCTION_NAME}" \
    storageAccountName="${STORAGE_ACCOUNT_NAME}" \
    deadLetterContainerName="${DEAD_LETTER_CONTAINER_NAME}" \
  --output none
echo "Event Grid now delivers BlobCreated events under incoming/ to ${INGEST_FUNCTION_NAME}."
