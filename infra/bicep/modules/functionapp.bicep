// Flex Consumption function app (Linux, Python 3.11) with a system-assigned managed
// identity. Storage (host and app) is reached with that identity only; the package is
// pulled from the deployment container with the same identity. App settings are not set
// here: main.bicep writes them once, through the appsettings module (one source).

param location string

@description('Globally unique name of the function app (its host name).')
param name string

param namePrefix string

@description('Blob container URL that holds the deployment package (Flex Consumption).')
param deploymentContainerUrl string

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@allowed([ 2048, 4096 ])
param instanceMemoryMB int = 2048

@description('Zone redundancy: Flex then keeps at least two always-ready instances per function group, billed around the clock (infra/README.md).')
param zoneRedundant bool = false

@description('Always-ready instances, e.g. [ { name: \'http\', instanceCount: 1 } ]; each one is billed around the clock.')
param alwaysReady array = []

@description('Subnet for VNet integration (delegated to Microsoft.App/environments, service endpoint Microsoft.Storage); empty = none. Required once the storage firewall is on.')
param subnetId string = ''

param tags object = {}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${namePrefix}-plan'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    // checkov:skip=CKV_AZURE_225: zone redundancy is the zoneRedundant parameter, off by default: on Flex it keeps two always-ready instances per function group billed around the clock (infra/README.md); storage stays GZRS.
    reserved: true
    zoneRedundant: zoneRedundant
  }
}

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    // checkov:skip=CKV_AZURE_222: this is the public customer portal; business customers reach it from the internet and sign in with Entra ID + MFA.
    // checkov:skip=CKV_AZURE_17: customers sign in with Entra ID (OIDC + MFA); client certificates are not part of the product.
    // checkov:skip=CKV_AZURE_212: Flex Consumption scales instances on demand (up to maximumInstanceCount; zone redundancy and always-ready are parameters, off by default); a fixed minimum worker count does not apply to this plan.
    // checkov:skip=CKV_AZURE_213: the App Service health-check pinger is not used on Flex Consumption (instances scale to zero); GET /api/health checks storage for external monitoring.
    serverFarmId: plan.id
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    httpsOnly: true
    clientCertEnabled: false
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        alwaysReady: alwaysReady
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'python'
        version: '3.11'
      }
    }
  }
}

// No basic (user/password) publishing: deployment uses the operator's Entra ID token.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: site
  name: 'scm'
  properties: { allow: false }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}

output name string = site.name
output principalId string = site.identity.principalId
output defaultHostName string = site.properties.defaultHostName
