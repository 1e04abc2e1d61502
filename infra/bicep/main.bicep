// Benefit documents portal: storage, monitoring and alerts, Key Vault, Flex Consumption
// function app, the Event Grid system topic and the roles, in one resource group
// (Switzerland North by default: benefit documents are health-related personal data under
// the Swiss nDSG). Values come from main.bicepparam, which reads the environment deploy.sh
// sets. The Event Grid subscription for incoming/ is created by infra/deploy.sh after the
// code is deployed, because the blobs extension key it needs exists only then.

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

@description('How the app registration proves itself to Entra: managed_identity (a federated identity credential trusts the function app\'s identity; no secret exists) or the explicit fallback secret (the operator puts portal-client-secret into the vault by hand, docs/azure-identity.md).')
@allowed([ 'managed_identity', 'secret' ])
param clientAuth string = 'managed_identity'

@secure()
@description('HMAC key of the access form\'s CSRF token, only for a vault that has none yet (deploy.sh generates it then and empties it afterwards, so a re-run never replaces it).')
param formSecret string = ''

@description('Public base URL of the portal (custom domain or the default host name).')
param baseUrl string = ''

@description('Mailbox the portal sends from through Microsoft Graph.')
param mailSender string

param insurerName string = 'Helvetia Muster Versicherungen'

@description('Customer service contact shown on error pages, the no-access page and the footer.')
param contactEmail string = 'kundenportal@versicherer.ch'
param contactPhone string = '+41 58 000 00 00'

@description('The insurer\'s imprint page, linked from every page\'s footer.')
param imprintUrl string = 'https://www.versicherer.ch/impressum'

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

@description('Six-field NCRONTAB (UTC) of the refile timer (blobs whose event never came).')
param refileSchedule string = '0 */5 * * * *'

@description('Six-field NCRONTAB (UTC) of the outbox delivery timer.')
param outboxSchedule string = '0 * * * * *'

@description('Mailbox of the document generator\'s team for the daily quarantine summary; empty = no summary.')
param quarantineSummaryTo string = ''

@description('Six-field NCRONTAB (UTC) of the daily quarantine summary.')
param quarantineSummarySchedule string = '0 0 6 * * *'

@description('Six-field NCRONTAB (UTC) of the notification digest and expiry reminder run.')
param digestSchedule string = '0 0 6 * * *'

@description('Header the Azure front end puts the client address in; empty = right-most X-Forwarded-For.')
param clientIpHeader string = ''

@description('Zone-redundant Flex plan: at least two always-ready instances per function group, billed around the clock (infra/README.md gives the price).')
param zoneRedundant bool = false

@description('Flex always-ready instances, e.g. [ { name: \'http\', instanceCount: 1 } ]; each is billed around the clock.')
param alwaysReady array = []

@description('Object id of the Entra group whose members run the ops CLI against Azure; empty = none.')
param operatorGroupObjectId string = ''

@description('Address alerts are mailed to; empty = action group without receivers.')
param alertEmail string = ''

@description('True once the audit immutability policy is locked (deploy.sh reads the state before each run).')
param auditPolicyLocked bool = false

@description('Availability test of /api/health every 15 minutes from three locations.')
param availabilityTestEnabled bool = true

// The document generator (docs/generator.md): its identity, and how its network reaches storage.
@description('Object id of the document generator\'s principal (service principal or group); empty = no generator access yet.')
param generatorPrincipalId string = ''

@allowed([ 'ServicePrincipal', 'Group' ])
param generatorPrincipalType string = 'ServicePrincipal'

@description('Optional second principal with the same role, for a test generator; empty = none.')
param testGeneratorPrincipalId string = ''

@allowed([ 'ServicePrincipal', 'Group' ])
param testGeneratorPrincipalType string = 'ServicePrincipal'

@description('Subnet the function app integrates with (delegated to Microsoft.App/environments, service endpoint Microsoft.Storage). Setting it turns the storage firewall on: only this subnet, generatorSubnetIds and generatorIpRules get through.')
param functionAppSubnetId string = ''

@description('Public IPv4 addresses/CIDR ranges of an on-premises generator (its internet egress); effective once the firewall is on.')
param generatorIpRules array = []

@description('Subnets of a generator in Azure admitted by service endpoint (free); effective once the firewall is on.')
param generatorSubnetIds array = []

@description('Subnet for a private endpoint to the blob service, for a generator in Azure; empty = none.')
param generatorPrivateEndpointSubnetId string = ''

@description('privatelink.blob.core.windows.net private DNS zone for that endpoint; empty = DNS managed elsewhere.')
param generatorPrivateDnsZoneId string = ''

param tags object = {
  app: 'benefit-documents-portal'
  dataClassification: 'sensitive-health'
}

var suffix = uniqueString(resourceGroup().id)
var storageName = take('${namePrefix}st${suffix}', 24)
var vaultName = take('${namePrefix}-kv-${suffix}', 24)
// The function app's name is its public host name, so it must be unique across Azure.
var siteName = take('${namePrefix}-func-${suffix}', 60)
// environment() keeps sovereign clouds working; the app expects no trailing slash.
var loginEndpoint = environment().authentication.loginEndpoint
var authorityHost = endsWith(loginEndpoint, '/') ? substring(loginEndpoint, 0, length(loginEndpoint) - 1) : loginEndpoint
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
  'notifyprefs'
  'filingclaims'
  'ratelimits'
  'outbox'
]

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    auditPolicyLocked: auditPolicyLocked
    workspaceId: monitoring.outputs.workspaceId
    location: location
    name: storageName
    retentionDays: retentionDays
    backstopMarginDays: backstopMarginDays
    quarantineTtlDays: quarantineTtlDays
    auditImmutabilityDays: auditImmutabilityDays
    softDeleteDays: softDeleteDays
    tableNames: tableNames
    allowedSubnetIds: empty(functionAppSubnetId) ? [] : concat([ functionAppSubnetId ], generatorSubnetIds)
    allowedIpRules: generatorIpRules
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
    formSecret: formSecret
    workspaceId: monitoring.outputs.workspaceId
    tags: tags
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    name: siteName
    namePrefix: namePrefix
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    zoneRedundant: zoneRedundant
    alwaysReady: alwaysReady
    subnetId: functionAppSubnetId
    tags: tags
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: functionApp.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: vault.outputs.name
    insightsName: monitoring.outputs.insightsName
    operatorGroupObjectId: operatorGroupObjectId
  }
}

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  params: {
    location: location
    namePrefix: namePrefix
    storageAccountName: storage.outputs.name
    tags: tags
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    location: location
    namePrefix: namePrefix
    insightsId: monitoring.outputs.insightsId
    workspaceId: monitoring.outputs.workspaceId
    systemTopicId: eventGrid.outputs.id
    functionAppHostName: functionApp.outputs.defaultHostName
    alertEmail: alertEmail
    availabilityTestEnabled: availabilityTestEnabled
    tags: tags
  }
}

var generatorMain = empty(generatorPrincipalId) ? [] : [ { principalId: generatorPrincipalId, principalType: generatorPrincipalType } ]
var generatorTest = empty(testGeneratorPrincipalId) ? [] : [ { principalId: testGeneratorPrincipalId, principalType: testGeneratorPrincipalType } ]
var generatorPrincipals = concat(generatorMain, generatorTest)

module generatorAccess 'modules/generator-access.bicep' = if (!empty(generatorPrincipals)) {
  name: 'generator-access'
  params: {
    storageAccountName: storage.outputs.name
    principals: generatorPrincipals
  }
}

module generatorNetwork 'modules/generator-network.bicep' = if (!empty(generatorPrivateEndpointSubnetId)) {
  name: 'generator-network'
  params: {
    location: location
    storageAccountName: storage.outputs.name
    subnetId: generatorPrivateEndpointSubnetId
    privateDnsZoneId: generatorPrivateDnsZoneId
    tags: tags
  }
}

// The one source of the app settings (the site declares none): written after the roles
// exist, so the Key Vault reference resolves on first start.
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
      PORTAL_CLIENT_AUTH: clientAuth
      // Only the fallback reads a client secret; by default none exists anywhere.
      PORTAL_CLIENT_SECRET: clientAuth == 'secret' ? '@Microsoft.KeyVault(SecretUri=${vault.outputs.clientSecretUri})' : ''
      PORTAL_FORM_SECRET: '@Microsoft.KeyVault(SecretUri=${vault.outputs.formSecretUri})'
      PORTAL_AUTHORITY_HOST: authorityHost
      PORTAL_GRAPH_BASE_URL: 'https://graph.microsoft.com/v1.0'
      PORTAL_MAIL_SENDER: mailSender
      PORTAL_INSURER_NAME: insurerName
      PORTAL_CONTACT_EMAIL: contactEmail
      PORTAL_CONTACT_PHONE: contactPhone
      PORTAL_IMPRINT_URL: imprintUrl
      PORTAL_BRAND_COLOUR: brandColour
      PORTAL_DEFAULT_ADVISOR_EMAIL: defaultAdvisorEmail
      PORTAL_ELIGIBILITY_THRESHOLD_CHF: string(eligibilityThresholdChf)
      PORTAL_CLIENT_IP_HEADER: clientIpHeader
      PORTAL_RETENTION_DAYS: string(retentionDays)
      PORTAL_RETENTION_SCHEDULE: retentionSchedule
      PORTAL_REFILE_SCHEDULE: refileSchedule
      PORTAL_OUTBOX_SCHEDULE: outboxSchedule
      PORTAL_QUARANTINE_SUMMARY_TO: quarantineSummaryTo
      PORTAL_QUARANTINE_SUMMARY_SCHEDULE: quarantineSummarySchedule
      PORTAL_DIGEST_SCHEDULE: digestSchedule
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
output keyVaultId string = vault.outputs.id
output systemTopicName string = eventGrid.outputs.name
output deadLetterContainerId string = eventGrid.outputs.deadLetterContainerId
output storageBlobEndpoint string = storage.outputs.blobEndpoint
