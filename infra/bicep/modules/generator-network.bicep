// A private endpoint for a document generator that runs in Azure: the blob endpoint of
// the portal's storage account gets a private address in the generator's (or a hub)
// virtual network, optionally registered in a privatelink.blob.core.windows.net zone.
// Costs per endpoint hour and per GB processed (docs/generator.md, "Network path").

param location string

@description('Storage account the endpoint points at.')
param storageAccountName string

@description('Resource id of the subnet that receives the endpoint\'s private address.')
param subnetId string

@description('Resource id of a privatelink.blob.core.windows.net private DNS zone; empty = DNS is managed elsewhere (e.g. a hub).')
param privateDnsZoneId string = ''

param tags object = {}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource endpoint 'Microsoft.Network/privateEndpoints@2023-11-01' = {
  name: '${storageAccountName}-generator-blob-pe'
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: 'generator-blob'
        properties: {
          privateLinkServiceId: storage.id
          groupIds: [ 'blob' ]
        }
      }
    ]
  }
}

resource dnsZoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2023-11-01' = if (!empty(privateDnsZoneId)) {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'blob'
        properties: {
          privateDnsZoneId: privateDnsZoneId
        }
      }
    ]
  }
}

output privateEndpointId string = endpoint.id
