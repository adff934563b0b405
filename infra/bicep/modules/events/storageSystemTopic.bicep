metadata description = 'Event Grid system topic on the pipeline storage account. Its system-assigned identity dead-letters undeliverable events into storage without keys.'

@description('Required. Azure region (the storage account region).')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Name of the system topic.')
param systemTopicName string

@description('Required. Name of the storage account whose blob events the topic publishes.')
param storageAccountName string

resource storageAccount 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: storageAccount.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

@description('Name of the system topic.')
output systemTopicName string = systemTopic.name

@description('Principal id of the system topic identity (dead-lettering).')
output principalId string = systemTopic.identity.principalId
