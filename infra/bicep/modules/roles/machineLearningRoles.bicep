metadata description = 'Least-privilege roles around Azure ML: the function submits and monitors jobs; the compute pulls the trainer image and writes job outputs to the workspace storage.'

@description('Required. Name of the Azure ML workspace.')
param workspaceName string

@description('Required. Name of the container registry.')
param containerRegistryName string

@description('Required. Name of the workspace storage account.')
param workspaceStorageAccountName string

@description('Required. Name of the function app identity.')
param functionIdentityName string

@description('Required. Name of the training compute identity.')
param computeIdentityName string

// AzureML Data Scientist: create, monitor and cancel jobs and read MLflow runs, without managing the workspace or compute.
var azureMlDataScientistRoleId = 'f6c7c914-8db3-469d-8ca1-694a8f32e121'
// AcrPull: pull images only.
var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
// Storage Blob Data Contributor: job logs and outputs in the workspace's identity-based system datastores.
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource functionIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: functionIdentityName
}

resource computeIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: computeIdentityName
}

resource workspace 'Microsoft.MachineLearningServices/workspaces@2025-09-01' existing = {
  name: workspaceName
}

resource containerRegistry 'Microsoft.ContainerRegistry/registries@2025-04-01' existing = {
  name: containerRegistryName
}

resource workspaceStorage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: workspaceStorageAccountName
}

resource functionDataScientist 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(workspace.id, functionIdentity.id, azureMlDataScientistRoleId)
  scope: workspace
  properties: {
    description: 'function -> AzureML Data Scientist on ML workspace'
    principalId: functionIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', azureMlDataScientistRoleId)
  }
}

resource computeAcrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(containerRegistry.id, computeIdentity.id, acrPullRoleId)
  scope: containerRegistry
  properties: {
    description: 'compute -> AcrPull on container registry'
    principalId: computeIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)
  }
}

resource computeWorkspaceStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(workspaceStorage.id, computeIdentity.id, storageBlobDataContributorRoleId)
  scope: workspaceStorage
  properties: {
    description: 'compute -> Storage Blob Data Contributor on ML workspace storage'
    principalId: computeIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
  }
}
