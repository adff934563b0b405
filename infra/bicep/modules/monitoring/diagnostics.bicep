metadata description = 'Diagnostic settings: the function app, the pipeline storage services (the blob trigger poison queue is read from the queue logs) and the Event Grid system topic (delivery failures) send their logs and metrics to Log Analytics.'

@description('Required. Resource id of the Log Analytics workspace.')
param logAnalyticsId string

@description('Required. Name of the function app.')
param functionAppName string

@description('Required. Name of the pipeline storage account.')
param storageAccountName string

@description('Required. Name of the Event Grid system topic on the storage account.')
param systemTopicName string

resource functionApp 'Microsoft.Web/sites@2024-11-01' existing = {
  name: functionAppName
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'
  }

  resource queueService 'queueServices' existing = {
    name: 'default'
  }

  resource tableService 'tableServices' existing = {
    name: 'default'
  }
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

var storageLogs = [
  {
    category: 'StorageRead'
    enabled: true
  }
  {
    category: 'StorageWrite'
    enabled: true
  }
  {
    category: 'StorageDelete'
    enabled: true
  }
]

var allMetrics = [
  {
    category: 'AllMetrics'
    enabled: true
  }
]

resource functionAppDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: functionApp
  properties: {
    workspaceId: logAnalyticsId
    logs: [
      {
        category: 'FunctionAppLogs'
        enabled: true
      }
    ]
    metrics: allMetrics
  }
}

resource storageAccountDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: storageAccount
  properties: {
    workspaceId: logAnalyticsId
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: storageAccount::blobService
  properties: {
    workspaceId: logAnalyticsId
    logs: storageLogs
  }
}

resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: storageAccount::queueService
  properties: {
    workspaceId: logAnalyticsId
    logs: storageLogs
  }
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: storageAccount::tableService
  properties: {
    workspaceId: logAnalyticsId
    logs: storageLogs
  }
}

resource systemTopicDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: systemTopic
  properties: {
    workspaceId: logAnalyticsId
    logs: [
      {
        category: 'DeliveryFailures'
        enabled: true
      }
    ]
    metrics: allMetrics
  }
}
