using './main.bicep'

// Example values; deploy.sh passes the real ones on the command line.
// The client secret is never written here: pass it with --client-secret-from-env.
param namePrefix = 'benefitdocs'
param location = 'switzerlandnorth'
param clientId = '00000000-0000-0000-0000-000000000000'
param mailSender = 'portal@versicherer.ch'
param retentionDays = 365
param backstopMarginDays = 14
param auditImmutabilityDays = 365
param auditKeepDays = 400
