// The function app's full app settings, written after its identity holds its roles so the
// Key Vault reference resolves on first start. This resource replaces the whole set.

param siteName string

@description('Every app setting by name; PORTAL_* mirror shared/settings.py.')
param settings object

resource site 'Microsoft.Web/sites@2023-12-01' existing = {
  name: siteName
}

// This is the app-settings child of the site, not its web config; checkov maps every
// sites/config resource to web-app checks, which do not apply here (the site itself is
// checked in functionapp.bicep). The skips sit between properties because the Bicep
// parser checkov uses rejects runs of five or more comment lines inside a block.
resource appSettings 'Microsoft.Web/sites/config@2023-12-01' = {
  // checkov:skip=CKV_AZURE_13: app-settings child, not a web config (see above).
  // checkov:skip=CKV_AZURE_63: app-settings child, not a web config (see above).
  // checkov:skip=CKV_AZURE_65: app-settings child, not a web config (see above).
  parent: site
  // checkov:skip=CKV_AZURE_66: app-settings child, not a web config (see above).
  // checkov:skip=CKV_AZURE_80: app-settings child, not a web config (see above).
  name: 'appsettings'
  // checkov:skip=CKV_AZURE_88: app-settings child, not a web config (see above).
  // checkov:skip=CKV_AZURE_222: app-settings child, not a web config (see above).
  properties: settings
}
