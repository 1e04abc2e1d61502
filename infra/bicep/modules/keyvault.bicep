// Key Vault for the one secret the app has (the Entra ID client secret of the portal's
// app registration). RBAC authorization; the function app reads it through a Key Vault
// reference in its app settings, never from the repo or the deploy command line history.

param location string
param name string
param tenantId string

@secure()
@description('Entra ID client secret of the portal app registration (deploy.sh reads it from the environment).')
param clientSecret string

@description('When the client secret stops being valid (Unix time); rotate before then.')
param clientSecretExpiresUnix int

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

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'portal-client-secret'
  properties: {
    value: clientSecret
    contentType: 'text/plain'
    attributes: {
      enabled: true
      exp: clientSecretExpiresUnix
    }
  }
}

output id string = vault.id
output name string = vault.name
output clientSecretUri string = '${vault.properties.vaultUri}secrets/portal-client-secret'
