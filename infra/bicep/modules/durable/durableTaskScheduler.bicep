metadata description = 'Optional Durable Task Scheduler backend: a scheduler, its task hub, and the data role for the function app identity.'

@description('Required. Azure region of the scheduler.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Name of the scheduler.')
param schedulerName string

@description('Required. Name of the task hub.')
param taskHubName string

@description('Required. Name of the function app identity.')
param functionIdentityName string

@description('Optional. Scheduler SKU: Consumption bills per orchestration action, Dedicated reserves capacity units.')
@allowed([
  'Consumption'
  'Dedicated'
])
param skuName string = 'Consumption'

// Durable Task Data Contributor: schedule, run and query orchestrations in the scheduler's task hubs.
var durableTaskDataContributorRoleId = '0ad04412-c4d5-4796-b79c-f76d14c8d402'

resource functionIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: functionIdentityName
}

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: schedulerName
  location: location
  tags: tags
  properties: {
    ipAllowlist: [
      '0.0.0.0/0'
    ]
    // A dedicated scheduler is sold in capacity units; one is the smallest.
    sku: skuName == 'Dedicated'
      ? {
          name: skuName
          capacity: 1
        }
      : {
          name: skuName
        }
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
}

resource functionDurableData 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(scheduler.id, functionIdentity.id, durableTaskDataContributorRoleId)
  scope: scheduler
  properties: {
    description: 'function -> Durable Task Data Contributor on Durable Task Scheduler'
    principalId: functionIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', durableTaskDataContributorRoleId)
  }
}

@description('Endpoint of the scheduler.')
output endpoint string = scheduler.properties.endpoint

@description('Name of the task hub.')
output taskHubName string = taskHub.name
