metadata description = '''BlobCreated subscription on the storage system topic, filtered to the incoming container, delivering to the
blob extension webhook of the function app (the endpoint a Flex Consumption blob trigger with Source = EventGrid listens on).
The blobs_extension system key exists only once the app code is deployed and the host has loaded the blob extension,
so azd deploys this module from the postdeploy hook (infra/hooks/postdeploy.sh); main.bicep deploys it too when
deployBlobCreatedSubscription is true (re-provisioning after the first deploy).'''

@description('Required. Name of the Event Grid system topic on the storage account.')
param systemTopicName string

@description('Required. Name of the function app that hosts the blob trigger.')
param functionAppName string

@description('Required. Name of the blob-triggered function (the [Function] name in src/Functions).')
param ingestFunctionName string

@description('Required. Storage account name (dead-letter destination).')
param storageAccountName string

@description('Required. Blob container that receives dead-lettered events.')
param deadLetterContainerName string

@description('Optional. Name of the event subscription.')
param subscriptionName string = 'incoming-blob-created'

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' existing = {
  name: functionAppName
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

// Read here rather than passed in, so the key never travels through a hook's shell or the azd environment.
var blobsExtensionKey = listKeys('${functionApp.id}/host/default', '2024-11-01').systemKeys.blobs_extension

resource blobCreated 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: subscriptionName
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${ingestFunctionName}&code=${blobsExtensionKey}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      // Only new imagery triggers ingestion; the pipeline's own writes (datasets, models, runs) do not.
      subjectBeginsWith: '/blobServices/default/containers/incoming/'
      enableAdvancedFilteringOnArrays: true
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    // An event that cannot be delivered is kept, not dropped: the blob would otherwise never be ingested.
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storageAccount.id
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

@description('Name of the event subscription.')
output subscriptionName string = blobCreated.name
