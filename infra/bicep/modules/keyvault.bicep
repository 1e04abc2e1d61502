// Key Vault for the one secret the app has (the Entra ID client secret of the portal's
// app registration). RBAC authorization; the function app reads it through a Key Vault
// reference in its app settings, never from the repo or the deploy command line history.

param location string
param name string
param tenantId string

@secure()
@description('Entra ID client secret, only when the vault does not hold one yet (deploy.sh decides); empty leaves the secret as it is, so a rotation is never undone.')
param clientSecret string = ''

@description('Log Analytics workspace for the vault audit log (who read or changed a secret, failed reads).')
param workspaceId string

param tags object = {}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    // checkov:skip=CKV_AZURE_109: the Flex Consumption app has no fixed outbound addresses without VNet integration and resolves its Key Vault reference over the public endpoint; access is RBAC-only (one role: Key Vault Secrets User for the app identity). Private endpoint is the documented next step.
    // checkov:skip=CKV_AZURE_189: same reason as CKV_AZURE_109.
    tenantId: tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

// Written once. Its expiry is set at rotation time from the app registration's real end date
// (docs/operations.md), never made up here.
resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(clientSecret)) {
  // checkov:skip=CKV_AZURE_114: contentType is set (text/plain); checkov does not read the properties of a conditional resource.
  // checkov:skip=CKV_AZURE_41: the expiry is the app registration credential's own end date, set with the secret at rotation (docs/operations.md); a date made up at deploy time would undo a rotation.
  parent: vault
  name: 'portal-client-secret'
  properties: {
    value: clientSecret
    contentType: 'text/plain'
    attributes: {
      enabled: true
    }
  }
}

// Failed reads here include a Key Vault reference the app could not resolve.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [
      { categoryGroup: 'audit', enabled: true }
    ]
    metrics: [
      { category: 'AllMetrics', enabled: true }
    ]
  }
}

output id string = vault.id
output name string = vault.name
output clientSecretUri string = '${vault.properties.vaultUri}secrets/portal-client-secret'
