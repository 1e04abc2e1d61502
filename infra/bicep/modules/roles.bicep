// Role assignments: the function app's managed identity, and optionally an operator group
// for the ops CLI. Built-in role ids are fixed across tenants (infra/README.md says what
// each one is for). Blob roles are scoped to the containers that need them, so neither the
// app nor an operator holds a blob role on the whole account.

param principalId string
param storageAccountName string
param keyVaultName string
param insightsName string

@description('Object id of an Entra group of operators (ops CLI with their own az login); empty = none.')
param operatorGroupObjectId string = ''

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageBlobDelegator: 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// The app's data: read, write, delete (no ACL management, so Contributor, not Owner).
var dataContainers = [ 'incoming', 'documents', 'quarantine', 'audit', 'downloads' ]
// The Functions host (identity-based AzureWebJobsStorage) and the Flex package pull: Owner,
// as the Functions documentation asks of the host's storage connection.
var hostContainers = [ 'azure-webjobs-hosts', 'azure-webjobs-secrets', 'deploymentpackage' ]

// Account-wide, because these act on the account: user delegation keys for download SAS,
// tables (index, grants, sessions …), queues (the blob extension's queue and poison queue).
var accountRoles = [
  roles.storageBlobDelegator
  roles.storageTableDataContributor
  roles.storageQueueDataContributor
]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource dataContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = [for name in dataContainers: {
  parent: blobService
  name: name
}]

resource hostContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = [for name in hostContainers: {
  parent: blobService
  name: name
}]

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: insightsName
}

resource appData 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (name, i) in dataContainers: {
  name: guid(dataContainer[i].id, principalId, roles.storageBlobDataContributor)
  scope: dataContainer[i]
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
  }
}]

resource appHost 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (name, i) in hostContainers: {
  name: guid(hostContainer[i].id, principalId, roles.storageBlobDataOwner)
  scope: hostContainer[i]
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
  }
}]

resource appAccount 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in accountRoles: {
  name: guid(storage.id, principalId, roleId)
  scope: storage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
  }
}]

resource vaultAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource insightsAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, principalId, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

// Operators: what `python -m cli` does — requeue quarantine into incoming, refile, retention
// dry run and run, audit read (and the audit records the CLI writes), restore after soft delete —
// on the four data containers and the tables. No host containers, no queue, no Key Vault.
resource operatorData 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (name, i) in dataContainers: if (!empty(operatorGroupObjectId)) {
  name: guid(dataContainer[i].id, operatorGroupObjectId, roles.storageBlobDataContributor)
  scope: dataContainer[i]
  properties: {
    principalId: operatorGroupObjectId
    principalType: 'Group'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
  }
}]

resource operatorTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorGroupObjectId)) {
  name: guid(storage.id, operatorGroupObjectId, roles.storageTableDataContributor)
  scope: storage
  properties: {
    principalId: operatorGroupObjectId
    principalType: 'Group'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
  }
}
