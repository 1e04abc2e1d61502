// The storage account's Event Grid system topic. Its event subscription (BlobCreated under
// incoming/ → the filing function) is made by infra/deploy.sh after the code runs, because
// it needs the blobs extension key. The topic's own identity writes undeliverable events to
// the dead-letter container (shared keys are off, so dead-lettering must use an identity).

param location string
param namePrefix string
param storageAccountName string

@description('Container that receives dead-lettered events (storage.bicep: eventgrid-deadletter).')
param deadLetterContainerName string = 'eventgrid-deadletter'

param tags object = {}

var blobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource deadLetters 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: deadLetterContainerName
}

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: '${namePrefix}-storage-events'
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

// Only the dead-letter container, nothing else in the account.
resource deadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(deadLetters.id, topic.id, blobDataContributor)
  scope: deadLetters
  properties: {
    principalId: topic.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributor)
  }
}

output id string = topic.id
output name string = topic.name
output deadLetterContainerId string = deadLetters.id
