metadata description = 'The pipeline storage account: imagery containers, the Functions host and Durable task hub (queues, tables, leases), the Flex deployment package, and a lifecycle rule that ages out quarantine.'

@description('Required. Azure region of the storage account.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Globally unique storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param storageAccountName string

@description('Required. Blob container that receives the Flex Consumption deployment package.')
param deploymentContainerName string

@description('Required. Blob container where Event Grid dead-letters BlobCreated events it could not deliver.')
param deadLetterContainerName string

@description('Optional. Days a blob stays in quarantine/ before the lifecycle rule deletes it.')
@minValue(1)
@maxValue(3650)
param quarantineRetentionDays int = 90

@description('Optional. Days after which an untouched quarantined blob moves to the cool tier.')
@minValue(1)
param quarantineCoolAfterDays int = 7

@description('Optional. Close the account\'s firewall to the public network (private networking): callers come through private endpoints, or are trusted Azure services (Event Grid delivering dead letters with its identity) or the resources of trustedResourceIds. publicNetworkAccess stays Enabled so those exceptions apply: Disabled would refuse them too.')
param denyPublicNetworkAccess bool = false

@description('Optional. Resource ids whose managed identities may pass the closed firewall (the Azure ML workspace), as resource instance rules.')
param trustedResourceIds array = []

@description('Optional. Storage redundancy.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
])
param skuName string = 'Standard_LRS'

// The pipeline's blob layout (DESIGN.md): new imagery lands in incoming, prepared snapshots in
// datasets, bad input in quarantine, trained models in models, cycle records and reports in runs.
var pipelineContainerNames = [
  'incoming'
  'datasets'
  'quarantine'
  'models'
  'runs'
]

resource storageAccount 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    // Every caller (function, compute, Event Grid, people) authenticates with Entra ID; keys and SAS are refused.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: denyPublicNetworkAccess ? 'Deny' : 'Allow'
      bypass: 'AzureServices'
      resourceAccessRules: denyPublicNetworkAccess
        ? map(trustedResourceIds, id => {
            tenantId: tenant().tenantId
            resourceId: id
          })
        : []
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: storageAccount
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource pipelineContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = [
  for containerName in pipelineContainerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = {
  parent: blobService
  name: deadLetterContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Quarantine keeps bad input for people to inspect (it never disappears silently), but not forever.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2025-06-01' = {
  parent: storageAccount
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'age-out-quarantine'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'quarantine/'
              ]
            }
            actions: {
              baseBlob: {
                tierToCool: {
                  daysAfterModificationGreaterThan: quarantineCoolAfterDays
                }
                delete: {
                  daysAfterModificationGreaterThan: quarantineRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    pipelineContainers
  ]
}

@description('Resource id of the storage account.')
output storageAccountId string = storageAccount.id

@description('Name of the storage account.')
output storageAccountName string = storageAccount.name

@description('Blob service endpoint.')
output blobEndpoint string = storageAccount.properties.primaryEndpoints.blob

@description('Queue service endpoint.')
output queueEndpoint string = storageAccount.properties.primaryEndpoints.queue

@description('Table service endpoint.')
output tableEndpoint string = storageAccount.properties.primaryEndpoints.table

@description('Names of the pipeline containers.')
output pipelineContainerNames array = pipelineContainerNames
