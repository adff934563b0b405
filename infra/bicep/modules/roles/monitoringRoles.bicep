metadata description = 'Lets the function app identity send telemetry to Application Insights, whose local (key) authentication is disabled.'

@description('Required. Name of the Application Insights component.')
param applicationInsightsName string

@description('Required. Name of the function app identity.')
param functionIdentityName string

// Monitoring Metrics Publisher: the role Entra-authenticated Application Insights ingestion requires.
var monitoringMetricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb'

resource functionIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: functionIdentityName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource functionTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, functionIdentity.id, monitoringMetricsPublisherRoleId)
  scope: applicationInsights
  properties: {
    description: 'function -> Monitoring Metrics Publisher on Application Insights'
    principalId: functionIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisherRoleId)
  }
}
