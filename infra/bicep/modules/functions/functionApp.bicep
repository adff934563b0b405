metadata description = 'Function app on the Flex Consumption plan (.NET isolated, Linux) running as a user-assigned managed identity, with identity-based AzureWebJobsStorage.'

@description('Required. Azure region of the plan and the app.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. azd service name in azure.yaml; azd finds the app to deploy by this tag.')
param azdServiceName string

@description('Required. Name of the Flex Consumption plan.')
param planName string

@description('Required. Name of the function app.')
param functionAppName string

@description('Required. Name of the user-assigned identity the app runs as.')
param identityName string

@description('Required. Name of the storage account used for AzureWebJobsStorage and the deployment package.')
param storageAccountName string

@description('Required. Blob container that holds the deployment package.')
param deploymentContainerName string

@description('Required. Application Insights connection string.')
param applicationInsightsConnectionString string

@description('Optional. .NET version of the isolated worker (Flex Consumption accepts 8.0, 9.0 and 10.0; the solution targets net10.0).')
@allowed([
  '8.0'
  '9.0'
  '10.0'
])
param dotnetVersion string = '10.0'

@description('Optional. Upper bound on instances the plan scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Optional. Memory of each instance in MB; 4096 by default because activities score models in process with TorchSharp.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 4096

@description('Optional. Extra app settings (pipeline, Azure ML, Durable backend) merged over the base settings.')
param additionalAppSettings object = {}

@description('Optional. Client id of the Entra app registration that protects the HTTP API (App Service Authentication). Empty: authentication is still required, so every API call is refused until it is set.')
param apiClientId string = ''

@description('Optional. Resource id of the subnet (delegated to Microsoft.App/environments) the app integrates with, so that it reaches the storage account through its private endpoints; empty: no virtual network.')
param virtualNetworkSubnetId string = ''

resource storageAccount 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

var identityClientId = identity.properties.clientId

// Identity-based host storage: the host and the Durable Azure Storage backend use blobs (leases,
// large messages), queues (control and work items) and tables (history, instances).
var baseAppSettings = {
  AzureWebJobsStorage__blobServiceUri: storageAccount.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: storageAccount.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: storageAccount.properties.primaryEndpoints.table
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  // Application Insights has local auth disabled, so telemetry is sent with the app's Entra token.
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  AZURE_CLIENT_ID: identityClientId
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' = {
  name: functionAppName
  location: location
  tags: union(tags, {
    'azd-service-name': azdServiceName
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Stays reachable from the internet even with private networking: Event Grid delivers BlobCreated to the blob
    // extension's webhook from outside any virtual network; every other call is refused by App Service Authentication.
    publicNetworkAccess: 'Enabled'
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageAccount.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: dotnetVersion
      }
    }
  }

  resource appSettings 'config' = {
    name: 'appsettings'
    properties: union(baseAppSettings, additionalAppSettings)
  }

  // App Service Authentication (Entra ID): no anonymous call reaches the API; the functions check the caller's app
  // roles (AutoRetrain.Reader / AutoRetrain.Operator, infra/auth/api-app-roles.json) from X-MS-CLIENT-PRINCIPAL.
  // Event Grid's delivery to the blob extension webhook authenticates with the blobs_extension system key instead.
  resource authSettings 'config' = {
    name: 'authsettingsV2'
    properties: {
      platform: {
        enabled: true
      }
      globalValidation: {
        requireAuthentication: true
        unauthenticatedClientAction: 'Return401'
        excludedPaths: [
          '/runtime/webhooks/blobs'
        ]
      }
      identityProviders: {
        azureActiveDirectory: {
          enabled: !empty(apiClientId)
          registration: {
            clientId: apiClientId
            openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
          }
          validation: {
            allowedAudiences: empty(apiClientId) ? [] : [
              'api://${apiClientId}'
              apiClientId
            ]
          }
        }
      }
      login: {
        tokenStore: {
          enabled: false
        }
      }
    }
  }

  // Deployments use the identity (azd, the deployment container); publishing with user name and password is off.
  resource scmBasicAuth 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }

  resource ftpBasicAuth 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }
}

@description('Resource id of the function app.')
output functionAppId string = functionApp.id

@description('Name of the function app.')
output functionAppName string = functionApp.name

@description('Default host name of the function app.')
output defaultHostName string = functionApp.properties.defaultHostName
