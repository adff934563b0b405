metadata description = 'AutoRetrain cloud host: Flex Consumption function app (ingestion, Durable cycles), pipeline storage with Event Grid, monitoring with a workbook, and Azure ML with a GPU cluster that scales to zero. Deployed by `azd up`.'

targetScope = 'subscription'

@description('Required. azd environment name; part of every resource name and the azd-env-name tag.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Required. Azure region of every resource (one that offers Flex Consumption and the chosen GPU VM size).')
@minLength(1)
param location string

@description('Optional. Principal id of the user running azd; gets blob data access to upload imagery. azd fills it from AZURE_PRINCIPAL_ID.')
param principalId string = ''

@description('Optional. Type of that principal (ServicePrincipal when azd runs in a pipeline).')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('Optional. Resource group name; derived from the environment name when empty.')
param resourceGroupName string = ''

@description('Optional. .NET version of the isolated worker. 10.0 is the highest Flex Consumption accepts and what the solution targets.')
@allowed([
  '8.0'
  '9.0'
  '10.0'
])
param dotnetVersion string = '10.0'

@description('Optional. Name of the blob-triggered ingestion function in src/Functions (the webhook addresses it as Host.Functions.<name>).')
param ingestFunctionName string = 'IngestIncomingBlob'

@description('Optional. Deploy the Event Grid BlobCreated subscription in this template. Leave false for the first `azd up` (the postdeploy hook creates it once the code, and so the blobs_extension key, exists).')
param deployBlobCreatedSubscription bool = false

@description('Optional. Durable task hub name.')
@minLength(3)
@maxLength(45)
param durableTaskHubName string = 'AutoRetrainHub'

@description('Optional. VM size of the GPU training cluster.')
param computeVmSize string = 'Standard_NC4as_T4_v3'

@description('Optional. Largest number of GPU nodes.')
@minValue(1)
@maxValue(100)
param computeMaxNodes int = 2

@description('Optional. Use low-priority (evictable, cheaper) GPU nodes.')
param computeLowPriority bool = false

@description('Optional. Idle time before a GPU node is released, ISO 8601 duration.')
param computeIdleTimeBeforeScaleDown string = 'PT10M'

@description('Optional. Days a quarantined blob is kept before the lifecycle rule deletes it.')
@minValue(1)
@maxValue(3650)
param quarantineRetentionDays int = 90

@description('Optional. Tag of the trainer image the function submits jobs with: the git commit, set by the preprovision hook (TRAINER_IMAGE_TAG); the postprovision hook pushes it.')
param trainerImageTag string = 'latest'

@description('Optional. Client id of the Entra app registration of the HTTP API, with the app roles of infra/auth/api-app-roles.json (the preprovision hook creates it and sets API_CLIENT_ID). Empty: every API call is refused.')
param apiClientId string = ''

@description('Optional. Digest (sha256:...) of the pushed trainer image, recorded by the postprovision hook (TRAINER_IMAGE_DIGEST); the Azure ML environment pins the image by it and takes its version from it. Empty before the first push.')
param trainerImageDigest string = ''

@description('Optional. Keep the pipeline storage account off the public network: a virtual network, private endpoints (blob, queue, table) with their private DNS zones, the function app integrated with the network, the account\'s firewall closed to every public caller but trusted Azure services, and the Azure ML workspace reaching it through a managed network. Off by default.')
param enablePrivateNetworking bool = false

@description('Optional. Address space of that virtual network (/16 to /22): the function app takes its first /24, the private endpoints its second.')
param virtualNetworkAddressPrefix string = '10.40.0.0/16'

@description('Optional. Address that receives the alert rules (orchestration failed, cycle failed, poison queue, Event Grid dead letters); empty: the alerts show in the portal only.')
param alertEmail string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'autoretrain'
}
var deploymentContainerName = 'app-package-${take(resourceToken, 8)}'
var deadLetterContainerName = 'eventgrid-deadletter'
var trainerImageName = 'autoretrain-trainer:${trainerImageTag}'

// Names are computed here, not read from module outputs, so What-If can predict every resource id.
var names = {
  functionIdentity: 'id-func-${resourceToken}'
  computeIdentity: 'id-compute-${resourceToken}'
  logAnalytics: 'log-${resourceToken}'
  applicationInsights: 'appi-${resourceToken}'
  storageAccount: 'st${resourceToken}'
  systemTopic: 'evgt-${resourceToken}'
  plan: 'plan-${resourceToken}'
  functionApp: 'func-${resourceToken}'
  workspace: 'mlw-${resourceToken}'
  keyVault: 'kv-${resourceToken}'
  workspaceStorage: 'stml${resourceToken}'
  containerRegistry: 'cr${resourceToken}'
  compute: 'gpu-cluster'
  virtualNetwork: 'vnet-${resourceToken}'
  functionSubnet: 'snet-functions'
  privateEndpointSubnet: 'snet-private-endpoints'
}

resource resourceGroup 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: tags
}

module identities 'modules/identity/identities.bicep' = {
  name: 'identities'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    functionIdentityName: names.functionIdentity
    computeIdentityName: names.computeIdentity
  }
}

module monitoring 'modules/monitoring/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
  }
}

module workbook 'modules/monitoring/workbook.bicep' = {
  name: 'workbook'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    applicationInsightsName: names.applicationInsights
  }
  dependsOn: [
    monitoring
  ]
}

module storage 'modules/storage/pipelineStorage.bicep' = {
  name: 'pipeline-storage'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    storageAccountName: names.storageAccount
    deploymentContainerName: deploymentContainerName
    deadLetterContainerName: deadLetterContainerName
    quarantineRetentionDays: quarantineRetentionDays
    denyPublicNetworkAccess: enablePrivateNetworking
    trustedResourceIds: [
      resourceId(subscription().subscriptionId, resourceGroup.name, 'Microsoft.MachineLearningServices/workspaces', names.workspace)
    ]
  }
}

module privateNetwork 'modules/network/privateNetwork.bicep' = if (enablePrivateNetworking) {
  name: 'private-network'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    virtualNetworkName: names.virtualNetwork
    addressPrefix: virtualNetworkAddressPrefix
    functionSubnetName: names.functionSubnet
    privateEndpointSubnetName: names.privateEndpointSubnet
    storageAccountName: names.storageAccount
  }
  dependsOn: [
    storage
  ]
}

module systemTopic 'modules/events/storageSystemTopic.bicep' = {
  name: 'storage-system-topic'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    systemTopicName: names.systemTopic
    storageAccountName: names.storageAccount
  }
  dependsOn: [
    storage
  ]
}

module machineLearning 'modules/machinelearning/workspace.bicep' = {
  name: 'machine-learning'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    workspaceName: names.workspace
    keyVaultName: names.keyVault
    storageAccountName: names.workspaceStorage
    containerRegistryName: names.containerRegistry
    applicationInsightsName: names.applicationInsights
    computeName: names.compute
    computeIdentityName: names.computeIdentity
    computeVmSize: computeVmSize
    computeMaxNodes: computeMaxNodes
    computeIdleTimeBeforeScaleDown: computeIdleTimeBeforeScaleDown
    computeLowPriority: computeLowPriority
    pipelineStorageAccountId: enablePrivateNetworking ? storage.outputs.storageAccountId : ''
  }
  dependsOn: [
    identities
    monitoring
  ]
}

// The containers a training job reads and writes, as identity-based datastores (job URIs azureml://datastores/...).
module machineLearningDatastores 'modules/machinelearning/datastores.bicep' = {
  name: 'machine-learning-datastores'
  scope: resourceGroup
  params: {
    workspaceName: names.workspace
    storageAccountName: names.storageAccount
    containerNames: [
      'datasets'
      'models'
      'runs'
    ]
  }
  dependsOn: [
    machineLearning
    storage
  ]
}

// Settings the function app reads besides the host's own (see docs/deploy.md, "App settings").
var pipelineAppSettings = {
  PipelineStorage__blobServiceUri: storage.outputs.blobEndpoint
  PipelineStorage__queueServiceUri: storage.outputs.queueEndpoint
  PipelineStorage__tableServiceUri: storage.outputs.tableEndpoint
  PipelineStorage__credential: 'managedidentity'
  PipelineStorage__clientId: identities.outputs.functionClientId
  AzureMachineLearning__SubscriptionId: subscription().subscriptionId
  AzureMachineLearning__ResourceGroup: resourceGroup.name
  AzureMachineLearning__WorkspaceName: machineLearning.outputs.workspaceName
  AzureMachineLearning__Region: location
  AzureMachineLearning__ComputeName: machineLearning.outputs.computeName
  // Jobs run as the cluster's identity; the trainer needs its client id to pick it among the node's identities.
  AzureMachineLearning__ComputeIdentityClientId: identities.outputs.computeClientId
  AzureMachineLearning__TrainerImage: '${machineLearning.outputs.containerRegistryLoginServer}/${trainerImageName}'
  AzureMachineLearning__TrainerImageDigest: trainerImageDigest
  AzureFunctionsJobHost__extensions__durableTask__hubName: durableTaskHubName
}
module functionApp 'modules/functions/functionApp.bicep' = {
  name: 'function-app'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    azdServiceName: 'functions'
    planName: names.plan
    functionAppName: names.functionApp
    identityName: names.functionIdentity
    storageAccountName: names.storageAccount
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    dotnetVersion: dotnetVersion
    additionalAppSettings: pipelineAppSettings
    apiClientId: apiClientId
    virtualNetworkSubnetId: enablePrivateNetworking
      ? resourceId(subscription().subscriptionId, resourceGroup.name, 'Microsoft.Network/virtualNetworks/subnets', names.virtualNetwork, names.functionSubnet)
      : ''
  }
  // The host starts as soon as the app exists; without its data roles (and, when private, its network) it would fail to reach storage.
  dependsOn: [
    pipelineStorageRoles
    monitoringRoles
    privateNetwork
  ]
}

module diagnostics 'modules/monitoring/diagnostics.bicep' = {
  name: 'diagnostics'
  scope: resourceGroup
  params: {
    logAnalyticsId: monitoring.outputs.logAnalyticsId
    functionAppName: names.functionApp
    storageAccountName: names.storageAccount
    systemTopicName: names.systemTopic
  }
  dependsOn: [
    functionApp
    systemTopic
  ]
}

module alerts 'modules/monitoring/alerts.bicep' = {
  name: 'alerts'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    applicationInsightsName: names.applicationInsights
    logAnalyticsId: monitoring.outputs.logAnalyticsId
    systemTopicName: names.systemTopic
    namePrefix: 'autoretrain-${resourceToken}'
    alertEmail: alertEmail
  }
  dependsOn: [
    systemTopic
  ]
}

module pipelineStorageRoles 'modules/roles/pipelineStorageRoles.bicep' = {
  name: 'pipeline-storage-roles'
  scope: resourceGroup
  params: {
    storageAccountName: names.storageAccount
    functionIdentityName: names.functionIdentity
    computeIdentityName: names.computeIdentity
    eventGridSystemTopicName: names.systemTopic
    deadLetterContainerName: deadLetterContainerName
    pipelineContainerNames: storage.outputs.pipelineContainerNames
    deploymentContainerName: deploymentContainerName
    durableTaskHubName: durableTaskHubName
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
  dependsOn: [
    identities
    systemTopic
  ]
}

module monitoringRoles 'modules/roles/monitoringRoles.bicep' = {
  name: 'monitoring-roles'
  scope: resourceGroup
  params: {
    applicationInsightsName: names.applicationInsights
    functionIdentityName: names.functionIdentity
  }
  dependsOn: [
    identities
    monitoring
  ]
}

module machineLearningRoles 'modules/roles/machineLearningRoles.bicep' = {
  name: 'machine-learning-roles'
  scope: resourceGroup
  params: {
    workspaceName: names.workspace
    containerRegistryName: names.containerRegistry
    workspaceStorageAccountName: names.workspaceStorage
    functionIdentityName: names.functionIdentity
    computeIdentityName: names.computeIdentity
  }
  dependsOn: [
    identities
    machineLearning
  ]
}

module blobCreatedSubscription 'modules/events/blobCreatedSubscription.bicep' = if (deployBlobCreatedSubscription) {
  name: 'blob-created-subscription'
  scope: resourceGroup
  params: {
    systemTopicName: names.systemTopic
    functionAppName: names.functionApp
    ingestFunctionName: ingestFunctionName
    storageAccountName: names.storageAccount
    deadLetterContainerName: deadLetterContainerName
  }
  // Dead-lettering is validated on creation, so the topic's role on the container must exist first.
  dependsOn: [
    functionApp
    pipelineStorageRoles
  ]
}

@description('Region of the deployment.')
output AZURE_LOCATION string = location

@description('Tenant of the deployment.')
output AZURE_TENANT_ID string = tenant().tenantId

@description('Resource group holding everything.')
output AZURE_RESOURCE_GROUP string = resourceGroup.name

@description('Name of the function app.')
output FUNCTION_APP_NAME string = functionApp.outputs.functionAppName

@description('Name of the blob-triggered ingestion function.')
output INGEST_FUNCTION_NAME string = ingestFunctionName

@description('.NET version of the isolated worker.')
output FUNCTIONS_DOTNET_VERSION string = dotnetVersion

@description('Pipeline storage account (upload imagery to its incoming container).')
output STORAGE_ACCOUNT_NAME string = storage.outputs.storageAccountName

@description('Blob endpoint of the pipeline storage account.')
output STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint

@description('Container that receives dead-lettered Event Grid events.')
output DEAD_LETTER_CONTAINER_NAME string = deadLetterContainerName

@description('Event Grid system topic on the pipeline storage account.')
output EVENT_GRID_SYSTEM_TOPIC_NAME string = systemTopic.outputs.systemTopicName

@description('Azure ML workspace.')
output AZURE_ML_WORKSPACE_NAME string = machineLearning.outputs.workspaceName

@description('GPU compute cluster in the workspace.')
output AZURE_ML_COMPUTE_NAME string = machineLearning.outputs.computeName

@description('Container registry of the workspace.')
output AZURE_CONTAINER_REGISTRY_NAME string = machineLearning.outputs.containerRegistryName

@description('Login server of the container registry.')
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = machineLearning.outputs.containerRegistryLoginServer

@description('Trainer image repository:tag inside the registry (what the postprovision hook builds).')
output TRAINER_IMAGE_NAME string = trainerImageName

@description('Full trainer image reference the function submits jobs with.')
output TRAINER_IMAGE string = '${machineLearning.outputs.containerRegistryLoginServer}/${trainerImageName}'

@description('Application Insights component.')
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName

@description('Resource id of the pipeline workbook.')
output WORKBOOK_ID string = workbook.outputs.workbookId

@description('App roles of the HTTP API (infra/auth/api-app-roles.json): the preprovision hook puts them on the app registration.')
output API_APP_ROLES array = loadJsonContent('../auth/api-app-roles.json')

@description('Whether the pipeline storage account is reached through private endpoints (enablePrivateNetworking).')
output PRIVATE_NETWORKING bool = enablePrivateNetworking

@description('Durable Functions backend in use: the Azure Storage provider on the storage account (the Durable Task Scheduler needs a worker extension this build cannot restore).')
output DURABLE_BACKEND string = 'AzureStorage'
