metadata description = 'Azure Monitor workbook over Application Insights: ingest rate, quarantine, retrain decisions, cycle durations and the mAP of promoted models.'

@description('Required. Azure region of the workbook.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Name of the Application Insights component the workbook queries.')
param applicationInsightsName string

@description('Optional. Name shown in the portal.')
param displayName string = 'AutoRetrain pipeline'

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// The workbook body lives in workbook.json so it can be edited in the portal and pasted back.
var workbookContent = loadJsonContent('workbook.json')

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(applicationInsights.id, 'autoretrain-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: applicationInsights.id
    serializedData: string(union(workbookContent, {
      fallbackResourceIds: [
        applicationInsights.id
      ]
    }))
  }
}

@description('Resource id of the workbook.')
output workbookId string = workbook.id
