// Storage account of the portal: blobs (incoming, documents, quarantine, audit), tables,
// and the deployment container Flex Consumption reads its package from.
// Shared key access is off: the app, the Functions host and operators use Entra ID only.

@description('Azure region.')
param location string

@description('Globally unique storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Days after publication when the timer deletes a document (PORTAL_RETENTION_DAYS).')
param retentionDays int

@description('Extra days after retention before the lifecycle backstop deletes a documents/ blob.')
param backstopMarginDays int

@description('Days quarantined blobs are kept by the app; the backstop adds backstopMarginDays.')
param quarantineTtlDays int

@description('Time-based immutability of the audit container, in days (at least 365).')
@minValue(365)
param auditImmutabilityDays int

@description('Days a deleted blob stays recoverable (blob soft delete).')
@minValue(1)
@maxValue(365)
param softDeleteDays int

@description('Tables the app uses (mirror of shared/adapters/storage/clients.py TABLES, without dev-only tables).')
param tableNames array

@description('True once the audit policy is locked: a locked policy refuses every PUT, so it is then left out (deploy.sh reads its state).')
param auditPolicyLocked bool = false

@description('Log Analytics workspace for the write/delete logs of blobs and tables.')
param workspaceId string

@description('Subnets admitted through the storage firewall (the function app\'s integration subnet first). Empty = firewall off: the public endpoint admits every network, Entra ID still required.')
param allowedSubnetIds array = []

@description('Public IPv4 addresses or CIDR ranges admitted once the firewall is on (an on-premises document generator\'s egress). Ignored by Azure for callers in the same region.')
param allowedIpRules array = []

param tags object = {}

// The firewall is on only when a subnet is admitted: the function app must reach its own
// storage through its VNet integration before anything else may be denied.
var firewallOn = !empty(allowedSubnetIds)

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    // Geo-zone-redundant: the paired region of Switzerland North is Switzerland West, so
    // every copy stays in Switzerland.
    name: 'Standard_GZRS'
  }
  properties: {
    // checkov:skip=CKV_AZURE_35: Flex Consumption without VNet integration reaches storage over the public endpoint; every request still needs an Entra ID token (shared key access is off). Private endpoints + VNet integration are the documented next step (infra/README.md).
    // checkov:skip=CKV_AZURE_59: same reason as CKV_AZURE_35; anonymous blob access is off (allowBlobPublicAccess: false), only the network endpoint is public.
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: firewallOn ? 'Deny' : 'Allow'
      virtualNetworkRules: [for subnetId in allowedSubnetIds: {
        id: subnetId
        action: 'Allow'
      }]
      ipRules: [for ip in allowedIpRules: {
        value: ip
        action: 'Allow'
      }]
    }
    encryption: {
      keySource: 'Microsoft.Storage'
      requireInfrastructureEncryption: true
      services: {
        blob: { enabled: true, keyType: 'Account' }
        file: { enabled: true, keyType: 'Account' }
        table: { enabled: true, keyType: 'Account' }
        queue: { enabled: true, keyType: 'Account' }
      }
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    // Soft delete: a blob deleted by the timer, the backstop or a person stays recoverable
    // for softDeleteDays (docs/retention.md explains what this means for the promise).
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
  }
}

resource incoming 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'incoming'
  properties: { publicAccess: 'None' }
}

resource documents 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'documents'
  properties: { publicAccess: 'None' }
}

resource quarantine 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'quarantine'
  properties: { publicAccess: 'None' }
}

resource audit 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'audit'
  properties: { publicAccess: 'None' }
}

// Append-only audit trail: no blob in `audit` can be changed or deleted before it is
// auditImmutabilityDays old; protected append writes let the app keep appending to the day blob.
// Deployed unlocked; locking is a one-way operator step (infra/deploy.sh --lock-audit). Once
// locked, Azure refuses any PUT of the policy, so later runs leave it out (auditPolicyLocked).
resource auditImmutability 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = if (!auditPolicyLocked) {
  parent: audit
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: auditImmutabilityDays
    allowProtectedAppendWrites: true
  }
}

// Bulk-download archives, built here so no instance holds one in memory (shared/adapters/archives.py);
// the app removes them after an hour, the lifecycle rule `downloads-cleanup` after a day.
resource downloads 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'downloads'
  properties: { publicAccess: 'None' }
}

resource deploymentPackage 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'deploymentpackage'
  properties: { publicAccess: 'None' }
}

// The Functions host's own containers (locks, keys), declared so that the app identity's
// Blob Data Owner can be scoped to them instead of to the whole account.
resource hostContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for name in [ 'azure-webjobs-hosts', 'azure-webjobs-secrets' ]: {
  parent: blobService
  name: name
  properties: { publicAccess: 'None' }
}]

// Events Event Grid could not deliver to the filing function (after 30 attempts or 24 h).
resource deadLetters 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'eventgrid-deadletter'
  properties: { publicAccess: 'None' }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for table in tableNames: {
  parent: tableService
  name: table
}]

// The backstop behind the retention timer: should the timer stop, a documents/ blob is
// still deleted backstopMarginDays after its retention period, counted from creation
// (a document blob is created once, when filed, so creation == publication).
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'documents-retention-backstop'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [ 'blockBlob' ]
              prefixMatch: [ 'documents/' ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterCreationGreaterThan: retentionDays + backstopMarginDays
                }
              }
            }
          }
        }
        {
          name: 'quarantine-backstop'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [ 'blockBlob' ]
              prefixMatch: [ 'quarantine/' ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterCreationGreaterThan: quarantineTtlDays + backstopMarginDays
                }
              }
            }
          }
        }
        {
          name: 'downloads-cleanup'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [ 'blockBlob' ]
              prefixMatch: [ 'downloads/' ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterCreationGreaterThan: 1
                }
              }
            }
          }
        }
      ]
    }
  }
}

// Writes and deletes of blobs and tables go to Log Analytics (who deleted a document, a
// generator's refused upload). Reads are not logged: every download would land there, and
// request URIs carry blob names, which hold customer numbers.
resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobService
  properties: {
    workspaceId: workspaceId
    logs: [
      { category: 'StorageWrite', enabled: true }
      { category: 'StorageDelete', enabled: true }
    ]
    metrics: [
      { category: 'Transaction', enabled: true }
    ]
  }
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: tableService
  properties: {
    workspaceId: workspaceId
    logs: [
      { category: 'StorageDelete', enabled: true }
    ]
    metrics: [
      { category: 'Transaction', enabled: true }
    ]
  }
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output tableEndpoint string = account.properties.primaryEndpoints.table
output queueEndpoint string = account.properties.primaryEndpoints.queue
output deadLetterContainerId string = deadLetters.id
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}${deploymentPackage.name}'
