metadata description = 'Azure Machine Learning workspace with its key vault, storage account and container registry (Application Insights is the shared one), and a GPU compute cluster that scales to zero.'

@description('Required. Azure region of the workspace and its dependencies.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Name of the workspace.')
param workspaceName string

@description('Required. Name of the workspace key vault (3-24 characters).')
@maxLength(24)
param keyVaultName string

@description('Required. Name of the workspace storage account (3-24 lowercase letters and digits).')
@maxLength(24)
param storageAccountName string

@description('Required. Name of the container registry holding the trainer image (5-50 alphanumerics).')
param containerRegistryName string

@description('Required. Name of the shared Application Insights component.')
param applicationInsightsName string

@description('Required. Name of the GPU compute cluster.')
@maxLength(16)
param computeName string

@description('Required. Name of the user-assigned identity the cluster nodes run as.')
param computeIdentityName string

@description('Optional. VM size of the cluster nodes.')
param computeVmSize string = 'Standard_NC4as_T4_v3'

@description('Optional. Largest number of nodes (parallel candidates of a cycle run on separate nodes).')
@minValue(1)
@maxValue(100)
param computeMaxNodes int = 2

@description('Optional. Idle time before a node is released, ISO 8601 duration.')
param computeIdleTimeBeforeScaleDown string = 'PT10M'

@description('Optional. Use low-priority (evictable, cheaper) nodes.')
param computeLowPriority bool = false

@description('Optional. Resource id of the pipeline storage account when it is closed to the public network: the workspace then gets a managed network with a private endpoint to its blobs, which the training jobs read and write. Empty: no managed network.')
param pipelineStorageAccountId string = ''

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource keyVault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    // The workspace's system datastores use identity auth (below), so keys are not needed here either.
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowCrossTenantReplication: false
  }
}

resource containerRegistry 'Microsoft.ContainerRegistry/registries@2025-04-01' = {
  name: containerRegistryName
  location: location
  tags: tags
  sku: {
    name: 'Basic'
  }
  properties: {
    // Pulls use the compute identity (AcrPull); pushes use the deploying user's Entra token (az acr build).
    adminUserEnabled: false
    anonymousPullEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

resource workspace 'Microsoft.MachineLearningServices/workspaces@2025-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  kind: 'Default'
  sku: {
    name: 'Basic'
    tier: 'Basic'
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    friendlyName: workspaceName
    keyVault: keyVault.id
    storageAccount: storageAccount.id
    containerRegistry: containerRegistry.id
    applicationInsights: applicationInsights.id
    systemDatastoresAuthMode: 'identity'
    publicNetworkAccess: 'Enabled'
    v1LegacyMode: false
    managedNetwork: empty(pipelineStorageAccountId)
      ? null
      : {
          isolationMode: 'AllowInternetOutbound'
          outboundRules: {
            'pipeline-storage-blob': {
              type: 'PrivateEndpoint'
              destination: {
                serviceResourceId: pipelineStorageAccountId
                subresourceTarget: 'blob'
                sparkEnabled: false
              }
            }
          }
        }
  }
}

resource computeIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: computeIdentityName
}

resource computeCluster 'Microsoft.MachineLearningServices/workspaces/computes@2025-09-01' = {
  parent: workspace
  name: computeName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${computeIdentity.id}': {}
    }
  }
  properties: {
    computeType: 'AmlCompute'
    description: 'GPU cluster for training cycles; scales to zero when idle.'
    disableLocalAuth: true
    properties: {
      vmSize: computeVmSize
      vmPriority: computeLowPriority ? 'LowPriority' : 'Dedicated'
      osType: 'Linux'
      remoteLoginPortPublicAccess: 'Disabled'
      scaleSettings: {
        // No idle nodes: a cluster with no job costs nothing.
        minNodeCount: 0
        maxNodeCount: computeMaxNodes
        nodeIdleTimeBeforeScaleDown: computeIdleTimeBeforeScaleDown
      }
    }
  }
}

@description('Name of the workspace.')
output workspaceName string = workspace.name

@description('Resource id of the workspace.')
output workspaceId string = workspace.id

@description('Name of the compute cluster.')
output computeName string = computeCluster.name

@description('Name of the container registry.')
output containerRegistryName string = containerRegistry.name

@description('Login server of the container registry.')
output containerRegistryLoginServer string = containerRegistry.properties.loginServer

@description('Name of the workspace storage account.')
output storageAccountName string = storageAccount.name
