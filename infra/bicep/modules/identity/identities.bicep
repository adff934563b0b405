metadata description = 'User-assigned managed identities: one for the function app, one for the Azure ML training compute.'

@description('Required. Azure region of the identities.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Name of the function app identity.')
param functionIdentityName string

@description('Required. Name of the training compute identity.')
param computeIdentityName string

// Separate identities keep the training cluster away from the pipeline's write paths (incoming,
// quarantine, the Durable task hub) and the function away from the container registry.
resource functionIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: functionIdentityName
  location: location
  tags: tags
}

resource computeIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: computeIdentityName
  location: location
  tags: tags
}

@description('Resource id of the function app identity.')
output functionIdentityId string = functionIdentity.id

@description('Client id of the function app identity (for identity-based connections).')
output functionClientId string = functionIdentity.properties.clientId

@description('Principal id of the function app identity (for role assignments).')
output functionPrincipalId string = functionIdentity.properties.principalId

@description('Resource id of the training compute identity.')
output computeIdentityId string = computeIdentity.id

@description('Client id of the training compute identity.')
output computeClientId string = computeIdentity.properties.clientId

@description('Principal id of the training compute identity (for role assignments).')
output computePrincipalId string = computeIdentity.properties.principalId
