// Benefit documents portal: storage, monitoring, Key Vault, Flex Consumption function app
// and the managed identity's roles, in one resource group (Switzerland North by default:
// benefit documents are health-related personal data under the Swiss nDSG).
// The Event Grid subscription for incoming/ is created by infra/deploy.sh after the code
// is deployed, because the blobs extension key it needs exists only then.

targetScope = 'resourceGroup'

@description('Azure region; Switzerland North keeps the data in Switzerland.')
param location string = 'switzerlandnorth'

@description('Short lowercase name stem for every resource (letters and digits).')
@minLength(3)
@maxLength(11)
param namePrefix string

@description('Entra ID tenant of the insurer (single-tenant sign-in, Key Vault).')
param tenantId string = subscription().tenantId

@description('Application (client) id of the portal app registration.')
param clientId string

@secure()
@description('Client secret of the app registration; deploy.sh reads it from PORTAL_CLIENT_SECRET, never from a file.')
param clientSecret string

@description('Deployment time; only used to date the client secret expiry.')
param deployedAt string = utcNow()

@description('Public base URL of the portal (custom domain or the default host name).')
param baseUrl string = ''

@description('Mailbox the portal sends from through Microsoft Graph.')
param mailSender string

param insurerName string = 'Helvetia Muster Versicherungen'
param brandColour string = '#0b4f8a'
param defaultAdvisorEmail string = 'berater@versicherer.ch'
param eligibilityThresholdChf int = 250000

@description('Days after publication when a document is deleted (business rule: 365).')
param retentionDays int = 365

@description('Days after the retention period before the lifecycle rule deletes a documents/ blob the timer missed.')
@minValue(1)
param backstopMarginDays int = 14

@description('Days a deleted blob stays recoverable (soft delete); adds to the time a deleted document still exists.')
param softDeleteDays int = 7

@description('Time-based immutability of audit day-blobs (at least one year).')
@minValue(365)
param auditImmutabilityDays int = 365

@description('Days the app keeps audit day-blobs; must exceed auditImmutabilityDays or deletion is refused.')
param auditKeepDays int = 400

param quarantineTtlDays int = 90
param rejectedRequestTtlDays int = 90
param unverifiedTtlDays int = 7
param revokedGrantTtlDays int = 90
param outboxTtlDays int = 30

@description('Six-field NCRONTAB (UTC) of the retention sweep.')
param retentionSchedule string = '0 30 2 * * *'

@description('Header the Azure front end puts the client address in; empty = right-most X-Forwarded-For.')
param clientIpHeader string = ''

param tags object = {
  app: 'benefit-documents-portal'
  dataClassification: 'sensitive-health'
}

var suffix = uniqueString(resourceGroup().id)
var storageName = take('${namePrefix}st${suffix}', 24)
var vaultName = take('${namePrefix}-kv-${suffix}', 24)
var tableNames = [
  'companies'
  'accessrequests'
  'verifytokens'
  'grants'
  'sessions'
  'docindex'
  'docsearch'
  'docexpiry'
  'docids'
  'doclinks'
  'filingclaims'
  'ratelimits'
  'outbox'
]

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: storageName
    retentionDays: retentionDays
    backstopMarginDays: backstopMarginDays
    quarantineTtlDays: quarantineTtlDays
    auditImmutabilityDays: auditImmutabilityDays
    softDeleteDays: softDeleteDays
    tableNames: tableNames
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    namePrefix: namePrefix
    tags: tags
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    name: vaultName
    tenantId: tenantId
    clientSecret: clientSecret
    clientSecretExpiresUnix: dateTimeToEpoch(dateTimeAdd(deployedAt, 'P1Y'))
    tags: tags
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    namePrefix: namePrefix
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    storageAccountName: storage.outputs.name
    insightsConnectionString: monitoring.outputs.connectionString
    tags: tags
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: functionApp.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: vault.outputs.name
    insightsName: '${namePrefix}-insights'
  }
}

module settings 'modules/appsettings.bicep' = {
  name: 'appsettings'
  dependsOn: [
    roles
  ]
  params: {
    siteName: functionApp.outputs.name
    settings: {
      AzureWebJobsStorage__accountName: storage.outputs.name
      AzureWebJobsStorage__credential: 'managedidentity'
      APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
      PORTAL_LOCAL_MODE: 'false'
      PORTAL_STORAGE_ACCOUNT_URL: storage.outputs.blobEndpoint
      PORTAL_BASE_URL: empty(baseUrl) ? 'https://${functionApp.outputs.defaultHostName}' : baseUrl
      PORTAL_TENANT_ID: tenantId
      PORTAL_CLIENT_ID: clientId
      PORTAL_CLIENT_SECRET: '@Microsoft.KeyVault(SecretUri=${vault.outputs.clientSecretUri})'
      PORTAL_AUTHORITY_HOST: 'https://login.microsoftonline.com'
      PORTAL_GRAPH_BASE_URL: 'https://graph.microsoft.com/v1.0'
      PORTAL_MAIL_SENDER: mailSender
      PORTAL_INSURER_NAME: insurerName
      PORTAL_BRAND_COLOUR: brandColour
      PORTAL_DEFAULT_ADVISOR_EMAIL: defaultAdvisorEmail
      PORTAL_ELIGIBILITY_THRESHOLD_CHF: string(eligibilityThresholdChf)
      PORTAL_CLIENT_IP_HEADER: clientIpHeader
      PORTAL_RETENTION_DAYS: string(retentionDays)
      PORTAL_RETENTION_SCHEDULE: retentionSchedule
      PORTAL_QUARANTINE_TTL_DAYS: string(quarantineTtlDays)
      PORTAL_REJECTED_REQUEST_TTL_DAYS: string(rejectedRequestTtlDays)
      PORTAL_UNVERIFIED_TTL_DAYS: string(unverifiedTtlDays)
      PORTAL_REVOKED_GRANT_TTL_DAYS: string(revokedGrantTtlDays)
      PORTAL_OUTBOX_TTL_DAYS: string(outboxTtlDays)
      PORTAL_AUDIT_KEEP_DAYS: string(auditKeepDays)
    }
  }
}

output functionAppName string = functionApp.outputs.name
output functionAppHostName string = functionApp.outputs.defaultHostName
output storageAccountName string = storage.outputs.name
output storageAccountId string = storage.outputs.id
output keyVaultName string = vault.outputs.name
