metadata description = 'Alert rules: an orchestration failed, a training cycle failed, messages reached the blob trigger poison queue, Event Grid dead-lettered a BlobCreated event. An action group mails them when an address is given.'

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Azure region of the log alert rules (the region of Application Insights and Log Analytics).')
param location string

@description('Required. Name of Application Insights.')
param applicationInsightsName string

@description('Required. Resource id of the Log Analytics workspace (storage queue logs).')
param logAnalyticsId string

@description('Required. Name of the Event Grid system topic on the storage account.')
param systemTopicName string

@description('Required. Name prefix of the alert rules.')
param namePrefix string

@description('Optional. Address that receives the alerts; empty for no action group (alerts still show in the portal).')
param alertEmail string = ''

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${namePrefix}-alerts'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'autoretrain'
    enabled: true
    emailReceivers: [
      {
        name: 'operator'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var actions = empty(alertEmail) ? [] : [actionGroup.id]

// Log alerts: a query over the last 15 minutes, evaluated every 5, fires when it returns a count above zero.
var logAlerts = [
  {
    name: 'orchestration-failed'
    description: 'A Durable orchestration (cycle manager, training cycle or job) failed.'
    severity: 1
    scope: applicationInsights.id
    query: 'traces\n| where tostring(customDimensions[\'Category\']) startswith \'Host.Triggers.DurableTask\'\n| where severityLevel >= 3 or message has \'failed\'\n| where message has \'Orchestrator\''
  }
  {
    name: 'cycle-failed'
    description: 'A training cycle ended Failed (autoretrain.cycle.duration with status Failed).'
    severity: 2
    scope: applicationInsights.id
    query: 'customMetrics\n| where name == \'autoretrain.cycle.duration\'\n| where tostring(customDimensions[\'status\']) == \'Failed\''
  }
  {
    name: 'poison-queue'
    description: 'Messages were put into webjobs-blobtrigger-poison: blob events the Functions host gave up on.'
    severity: 2
    scope: logAnalyticsId
    query: 'StorageQueueLogs\n| where OperationName == \'PutMessage\'\n| where ObjectKey has \'webjobs-blobtrigger-poison\''
  }
]

resource logAlertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for alert in logAlerts: {
    name: '${namePrefix}-${alert.name}'
    location: location
    tags: tags
    properties: {
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [
        alert.scope
      ]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT15M'
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: 0
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: actions
      }
    }
  }
]

resource deadLetterAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-eventgrid-dead-letter'
  location: 'global'
  tags: tags
  properties: {
    description: 'Event Grid dead-lettered a BlobCreated event it could not deliver to the function (container eventgrid-deadletter).'
    severity: 2
    enabled: true
    scopes: [
      systemTopic.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          name: 'dead-lettered'
          criterionType: 'StaticThresholdCriterion'
          metricNamespace: 'Microsoft.EventGrid/systemTopics'
          metricName: 'DeadLetteredCount'
          timeAggregation: 'Total'
          operator: 'GreaterThan'
          threshold: 0
        }
      ]
    }
    autoMitigate: true
    actions: [
      for id in actions: {
        actionGroupId: id
      }
    ]
  }
}
