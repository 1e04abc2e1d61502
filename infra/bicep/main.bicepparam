using './main.bicep'

// Every value that differs per deployment is read from the environment, which infra/deploy.sh
// sets from its flags (docs/operations.md). The client secret is read the same way and never
// passes on a command line; deploy.sh empties PORTAL_CLIENT_SECRET once the vault holds one,
// so a re-run never overwrites a rotated secret.
param namePrefix = readEnvironmentVariable('PORTAL_NAME_PREFIX', 'benefitdocs')
param location = readEnvironmentVariable('PORTAL_LOCATION', 'switzerlandnorth')
param clientId = readEnvironmentVariable('PORTAL_CLIENT_ID', '00000000-0000-0000-0000-000000000000')
param clientSecret = readEnvironmentVariable('PORTAL_CLIENT_SECRET', '')
param mailSender = readEnvironmentVariable('PORTAL_MAIL_SENDER', 'portal@versicherer.ch')
param baseUrl = readEnvironmentVariable('PORTAL_BASE_URL', '')
param alertEmail = readEnvironmentVariable('PORTAL_ALERT_EMAIL', '')
param operatorGroupObjectId = readEnvironmentVariable('PORTAL_OPERATOR_GROUP_ID', '')
param auditPolicyLocked = bool(readEnvironmentVariable('PORTAL_AUDIT_POLICY_LOCKED', 'false'))
param zoneRedundant = bool(readEnvironmentVariable('PORTAL_ZONE_REDUNDANT', 'false'))
param alwaysReady = json(readEnvironmentVariable('PORTAL_ALWAYS_READY', '[]'))

// Business rules (docs/retention.md); change them here, in review, not per run.
param retentionDays = 365
param backstopMarginDays = 14
param auditImmutabilityDays = 365
param auditKeepDays = 400
