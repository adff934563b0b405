metadata description = 'Least-privilege data-plane roles on the pipeline storage account: the function app (pipeline blobs, Durable queues and tables), the training compute (read datasets, write models and runs), Event Grid (dead-letter container) and, optionally, the deploying user (uploads imagery).'

@description('Required. Name of the pipeline storage account.')
param storageAccountName string

@description('Required. Name of the function app identity.')
param functionIdentityName string

@description('Required. Name of the training compute identity.')
param computeIdentityName string

@description('Required. Name of the Event Grid system topic (its identity dead-letters events).')
param eventGridSystemTopicName string

@description('Required. Blob container that receives dead-lettered events.')
param deadLetterContainerName string

@description('Required. Blob containers of the pipeline (incoming, datasets, quarantine, models, runs).')
param pipelineContainerNames array

@description('Required. Blob container of the Flex Consumption deployment package.')
param deploymentContainerName string

@description('Required. Durable task hub name; the Durable backend keeps its leases and large messages in containers named after it.')
param durableTaskHubName string

@description('Optional. Principal id of the user running azd (to upload imagery with Entra ID); empty to skip.')
param deployerPrincipalId string = ''

@description('Optional. Principal type of the deploying principal.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param deployerPrincipalType string = 'User'

// Storage Blob Data Contributor: read, write, delete blobs and take leases (no ACL or RBAC management).
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
// Storage Blob Data Reader: read and list blobs.
var storageBlobDataReaderRoleId = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
// Storage Queue Data Contributor: Durable control and work-item queues, blob trigger poison queue.
var storageQueueDataContributorRoleId = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
// Storage Table Data Contributor: Durable history and instances tables, the tile ledger.
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource functionIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: functionIdentityName
}

resource computeIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: computeIdentityName
}

resource eventGridSystemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: eventGridSystemTopicName
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource datasets 'containers' existing = {
      name: 'datasets'
    }

    resource models 'containers' existing = {
      name: 'models'
    }

    resource runs 'containers' existing = {
      name: 'runs'
    }

    resource deadLetter 'containers' existing = {
      name: deadLetterContainerName
    }
  }
}

// The function's blob role is limited to the containers it uses (an ABAC condition on the container name): the
// pipeline's, the deployment package, and those the Functions host (azure-webjobs-*) and the Durable backend
// (<hub>-leases, <hub>-applease, <hub>-largemessages) create at run time, which is why they are matched by prefix
// instead of being scopes of their own. The dead-letter container and anything added later stay out of reach.
var blobDataActions = [
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action'
]
var containerName = '@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name]'
var functionContainers = concat(pipelineContainerNames, [deploymentContainerName])
var functionContainerPrefixes = [
  'azure-webjobs-'
  '${toLower(durableTaskHubName)}-'
]
var notABlobDataAction = join(map(blobDataActions, a => '!(ActionMatches{\'${a}\'})'), ' AND ')
var inFunctionContainers = join(concat(
  map(functionContainers, c => '${containerName} StringEquals \'${c}\''),
  map(functionContainerPrefixes, p => '${containerName} StringStartsWith \'${p}\'')), ' OR ')

resource functionBlob 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, functionIdentity.id, storageBlobDataContributorRoleId)
  scope: storageAccount
  properties: {
    description: 'function -> Storage Blob Data Contributor on pipeline storage, its containers only'
    principalId: functionIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    conditionVersion: '2.0'
    condition: '((${notABlobDataAction}) OR (${inFunctionContainers}))'
  }
}

resource functionQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, functionIdentity.id, storageQueueDataContributorRoleId)
  scope: storageAccount
  properties: {
    description: 'function -> Storage Queue Data Contributor on pipeline storage'
    principalId: functionIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributorRoleId)
  }
}

resource functionTable 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, functionIdentity.id, storageTableDataContributorRoleId)
  scope: storageAccount
  properties: {
    description: 'function -> Storage Table Data Contributor on pipeline storage'
    principalId: functionIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributorRoleId)
  }
}

// The trainer reads a snapshot and writes a model and its run record; it never touches incoming or quarantine.
resource computeDatasetsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount::blobService::datasets.id, computeIdentity.id, storageBlobDataReaderRoleId)
  scope: storageAccount::blobService::datasets
  properties: {
    description: 'compute -> Storage Blob Data Reader on datasets container'
    principalId: computeIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataReaderRoleId)
  }
}

resource computeModelsContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount::blobService::models.id, computeIdentity.id, storageBlobDataContributorRoleId)
  scope: storageAccount::blobService::models
  properties: {
    description: 'compute -> Storage Blob Data Contributor on models container'
    principalId: computeIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
  }
}

resource computeRunsContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount::blobService::runs.id, computeIdentity.id, storageBlobDataContributorRoleId)
  scope: storageAccount::blobService::runs
  properties: {
    description: 'compute -> Storage Blob Data Contributor on runs container'
    principalId: computeIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
  }
}

resource eventGridDeadLetter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount::blobService::deadLetter.id, eventGridSystemTopic.id, storageBlobDataContributorRoleId)
  scope: storageAccount::blobService::deadLetter
  properties: {
    description: 'eventGrid -> Storage Blob Data Contributor on dead-letter container'
    principalId: eventGridSystemTopic.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
  }
}

resource deployerBlob 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(storageAccount.id, deployerPrincipalId, storageBlobDataContributorRoleId)
  scope: storageAccount
  properties: {
    description: 'deployer -> Storage Blob Data Contributor on pipeline storage'
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
  }
}
