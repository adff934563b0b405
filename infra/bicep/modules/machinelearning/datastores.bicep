metadata description = 'Azure ML datastores for the pipeline storage containers the training jobs read and write, with identity-based access: no credentials are stored; a job reaches the data as its own identity (the compute identity, which holds the data roles on the account).'

@description('Required. Name of the Azure ML workspace.')
param workspaceName string

@description('Required. Name of the pipeline storage account whose containers are registered.')
param storageAccountName string

@description('Required. Blob containers to register, one datastore each.')
param containerNames array

@description('Optional. Datastore name prefix; the datastore of container c is <prefix><c> (the app\'s AzureMachineLearning__DatastorePrefix).')
param datastorePrefix string = 'autoretrain_'

resource workspace 'Microsoft.MachineLearningServices/workspaces@2025-09-01' existing = {
  name: workspaceName
}

resource datastores 'Microsoft.MachineLearningServices/workspaces/datastores@2024-04-01' = [
  for containerName in containerNames: {
    parent: workspace
    name: '${datastorePrefix}${containerName}'
    properties: {
      datastoreType: 'AzureBlob'
      description: 'AutoRetrain pipeline container ${containerName} (identity-based access).'
      accountName: storageAccountName
      containerName: containerName
      endpoint: environment().suffixes.storage
      protocol: 'https'
      credentials: {
        credentialsType: 'None'
      }
      serviceDataAccessAuthIdentity: 'None'
    }
  }
]

@description('Names of the datastores, in the order of containerNames.')
output datastoreNames array = [for (containerName, i) in containerNames: datastores[i].name]
