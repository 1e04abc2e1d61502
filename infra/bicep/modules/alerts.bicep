// What wakes an operator: an action group (e-mail) and the alerts SPEC section 8 lists, plus
// an availability test of /api/health. Log alerts query Application Insights (function runs
// and traces) and the workspace (Key Vault audit log); metric alerts watch Event Grid.

param location string
param namePrefix string
param insightsId string
param workspaceId string
param systemTopicId string

@description('Host name of the function app (the availability test calls https://<host>/api/health).')
param functionAppHostName string

@description('Where alerts go; empty = an action group without receivers (add them in the portal).')
param alertEmail string = ''

@description('Timer functions that must succeed at least once every 26 hours (retention, the notification digest, the quarantine summary).')
param dailyTimerFunctions array = [ 'retention', 'notify_digest', 'quarantine_summary' ]

@description('Quarantined documents in one hour that count as unusual growth.')
@minValue(1)
param quarantinePerHourThreshold int = 10

@description('Availability test of /api/health from three European locations every 15 minutes (Standard test, billed per run).')
param availabilityTestEnabled bool = true

param tags object = {}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-ops'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take('${namePrefix}ops', 12)
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [
      {
        name: 'operations'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var logAlerts = [
  {
    name: 'function-failures'
    description: 'A function run failed (filing, retention, outbox, HTTP 5xx).'
    severity: 2
    scope: insightsId
    frequency: 'PT15M'
    window: 'PT15M'
    query: 'requests | where success == false | summarize failures = count()'
    threshold: 0
  }
  {
    name: 'daily-timer-missed'
    description: 'A daily timer (retention, digest) has not succeeded for 26 hours.'
    severity: 1
    scope: insightsId
    frequency: 'PT1H'
    window: 'PT1H'
    query: 'let expected = dynamic(${string(dailyTimerFunctions)}); let ok = requests | where timestamp > ago(26h) and success == true and name in (expected) | distinct name; print name = expected | mv-expand name to typeof(string) | join kind=leftanti ok on name'
    threshold: 0
  }
  {
    name: 'quarantine-growth'
    description: 'More documents than usual were quarantined in the last hour (docs/operations.md: quarantine).'
    severity: 3
    scope: insightsId
    frequency: 'PT1H'
    window: 'PT1H'
    query: 'traces | where message startswith "filing quarantined" | summarize quarantined = count()'
    threshold: quarantinePerHourThreshold - 1
  }
  {
    name: 'poison-delivery'
    description: 'The host moved a blob event to the poison queue after five failed attempts.'
    severity: 2
    scope: insightsId
    frequency: 'PT15M'
    window: 'PT15M'
    query: 'traces | where message has "poison" | summarize poisoned = count()'
    threshold: 0
  }
  {
    name: 'keyvault-reference-failure'
    description: 'A read of the vault failed (e.g. the app setting PORTAL_FORM_SECRET could not resolve its Key Vault reference).'
    severity: 1
    scope: workspaceId
    frequency: 'PT15M'
    window: 'PT15M'
    query: 'AzureDiagnostics | where ResourceProvider == "MICROSOFT.KEYVAULT" and OperationName == "SecretGet" and toint(httpStatusCode_d) >= 400 | summarize failures = count()'
    threshold: 0
  }
]

resource logAlert 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [for alert in logAlerts: {
  name: '${namePrefix}-${alert.name}'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: '${namePrefix}: ${alert.name}'
    description: alert.description
    severity: alert.severity
    enabled: true
    scopes: [ alert.scope ]
    evaluationFrequency: alert.frequency
    windowSize: alert.window
    // The 26-hour look-back of the timer query needs more than one window of data.
    overrideQueryTimeRange: alert.name == 'daily-timer-missed' ? 'P2D' : null
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: alert.query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: alert.threshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [ actionGroup.id ]
    }
  }
}]

// Event Grid could not deliver (dead-lettered) or gave up without a dead-letter (dropped).
resource eventGridAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = [for metric in [ 'DeadLetteredCount', 'DroppedEventCount' ]: {
  name: '${namePrefix}-eventgrid-${toLower(metric)}'
  location: 'global'
  tags: tags
  properties: {
    description: 'Event Grid ${metric} > 0 on the storage topic: documents in incoming/ were not handed to the filing function (the refile timer still files them; see docs/operations.md).'
    severity: 2
    enabled: true
    scopes: [ systemTopicId ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          name: metric
          criterionType: 'StaticThresholdCriterion'
          metricNamespace: 'Microsoft.EventGrid/systemTopics'
          metricName: metric
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Total'
        }
      ]
    }
    actions: [
      { actionGroupId: actionGroup.id }
    ]
  }
}]

resource healthTest 'Microsoft.Insights/webtests@2022-06-15' = if (availabilityTestEnabled) {
  name: '${namePrefix}-health'
  location: location
  tags: union(tags, { 'hidden-link:${insightsId}': 'Resource' })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: '${namePrefix}-health'
    Name: '${namePrefix} /api/health'
    Kind: 'standard'
    Enabled: true
    Frequency: 900
    Timeout: 60
    RetryEnabled: true
    Locations: [
      { Id: 'emea-ch-zrh-edge' }
      { Id: 'emea-fr-pra-edge' }
      { Id: 'emea-nl-ams-azr' }
    ]
    Request: {
      RequestUrl: 'https://${functionAppHostName}/api/health'
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

resource healthAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = if (availabilityTestEnabled) {
  name: '${namePrefix}-health-failed'
  location: 'global'
  tags: tags
  properties: {
    description: '/api/health failed from at least two locations (storage does not answer, or the app is down).'
    severity: 1
    enabled: true
    scopes: [ healthTest.id, insightsId ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: healthTest.id
      componentId: insightsId
      failedLocationCount: 2
    }
    actions: [
      { actionGroupId: actionGroup.id }
    ]
  }
}

output actionGroupId string = actionGroup.id
