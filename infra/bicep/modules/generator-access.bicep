// The document generator (the insurer's output system) writes with its own Entra ID
// identity: Storage Blob Data Contributor on the `incoming` container and nothing else —
// no role on documents, quarantine, audit, the deployment package or the tables.
// Scoped to the container, not the account (docs/generator.md is its team's contract).

@description('Storage account that holds the incoming container.')
param storageAccountName string

@description('The generator\'s principals: [{ principalId, principalType }] (the production one, optionally a test generator).')
param principals array

// Built-in role ids are the same in every tenant.
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource incoming 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: 'incoming'
}

resource incomingWriters 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for principal in principals: {
  name: guid(incoming.id, principal.principalId, storageBlobDataContributor)
  scope: incoming
  properties: {
    principalId: principal.principalId
    principalType: principal.principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    description: 'Document generator: write into incoming only (docs/generator.md).'
  }
}]
