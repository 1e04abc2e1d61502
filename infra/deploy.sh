#!/usr/bin/env bash
# Deploy the benefit documents portal with the Azure CLI (SPEC section 8, docs/operations.md).
#
#   checks   az version, the subscription, resource providers (and zone-redundant Flex
#            support in the region when asked for); reads what a previous run left
#            (deployment outputs, form key in the vault?, audit policy locked?)
#   preview  `az deployment group what-if`, then asks (--yes skips the question)
#   deploy   Bicep with infra/bicep/main.bicepparam, which reads every value from the
#            environment this script exports: secrets never pass on a command line
#   code     the allow-list package (infra/package.py), only when its digest changed
#   events   Event Grid subscription incoming/ → filing function, dead-lettered, once the
#            blobs extension key exists
#   lock     --lock-audit: lock the audit immutability policy (never on a first deployment)
#   smoke    GET https://<app>/api/health
#
# Re-running is safe: unchanged infrastructure, code and subscription are left alone, a
# locked policy is left out of the template, the form key in the vault is never replaced.
# No client secret is needed: the app registration trusts the app's managed identity through a
# federated identity credential (docs/operations.md says who creates it, once).
# What Azure makes eventually consistent (role assignments, the blobs extension key, the
# package upload) is retried with backoff.
set -euo pipefail

MIN_AZ_VERSION="2.61.0"
PROVIDERS=(Microsoft.Web Microsoft.Storage Microsoft.KeyVault Microsoft.Insights
           Microsoft.OperationalInsights Microsoft.EventGrid Microsoft.AlertsManagement)
DEPLOYMENT="portal"
EVENT_SUBSCRIPTION="incoming-to-filing"
PACKAGE_TAG="portalPackageSha256"

usage() {
  cat <<USAGE
usage: infra/deploy.sh -s SUBSCRIPTION -g RESOURCE_GROUP -p NAME_PREFIX \\
         --client-id APP_ID --mail-sender ADDRESS [options]
  -s, --subscription     subscription id or name (must be one this az login can use)
  -g, --resource-group   resource group (created after confirmation if missing)
  -p, --prefix           3-11 lowercase letters/digits, stem of every resource name
  -l, --location         Azure region (default: switzerlandnorth)
      --client-id        application (client) id of the portal's app registration
      --mail-sender      mailbox the portal sends from (Graph)
      --base-url         public base URL when a custom domain fronts the app
      --alert-email      address the alerts go to
      --operator-group   object id of the Entra group that runs the ops CLI (data roles)
      --zone-redundant   zone-redundant Flex plan (billed always-ready instances; see infra/README.md)
      --always-ready J   always-ready instances as JSON, e.g. '[{"name":"http","instanceCount":1}]'
      --lock-audit       lock the audit immutability policy (irreversible; not on a first deployment)
      --yes              do not ask before changing anything (pipelines)
      --skip-infra       leave the Bicep alone; code, Event Grid and smoke test only
      --client-secret-fallback
                         the app registration proves itself with a client secret that an
                         operator put into the vault as portal-client-secret (only where a
                         tenant refuses federated credentials; docs/azure-identity.md)
environment:
  FILING_FUNCTION        blob-triggered filing function (default: file_incoming)
  DEPLOY_RETRIES         attempts for eventually consistent steps (default: 8)
  DEPLOY_RETRY_DELAY     first wait in seconds, doubled per attempt, at most 120 (default: 10)
USAGE
}

die() { echo "deploy.sh: $*" >&2; exit 2; }
say() { echo "==> $*"; }
need_value() { [[ $# -ge 2 && -n "$2" && "$2" != -* ]] || die "$1 needs a value"; }

SUBSCRIPTION="" RG="" PREFIX="" LOCATION="switzerlandnorth" CLIENT_ID="" MAIL_SENDER=""
BASE_URL="" ALERT_EMAIL="" OPERATOR_GROUP="" ZONE_REDUNDANT=false ALWAYS_READY="[]"
LOCK_AUDIT=0 YES=0 SKIP_INFRA=0 CLIENT_AUTH="managed_identity"
while [[ $# -gt 0 ]]; do
  case "$1" in
    -s|--subscription) need_value "$@"; SUBSCRIPTION="$2"; shift 2 ;;
    -g|--resource-group) need_value "$@"; RG="$2"; shift 2 ;;
    -p|--prefix) need_value "$@"; PREFIX="$2"; shift 2 ;;
    -l|--location) need_value "$@"; LOCATION="$2"; shift 2 ;;
    --client-id) need_value "$@"; CLIENT_ID="$2"; shift 2 ;;
    --mail-sender) need_value "$@"; MAIL_SENDER="$2"; shift 2 ;;
    --base-url) need_value "$@"; BASE_URL="$2"; shift 2 ;;
    --alert-email) need_value "$@"; ALERT_EMAIL="$2"; shift 2 ;;
    --operator-group) need_value "$@"; OPERATOR_GROUP="$2"; shift 2 ;;
    --always-ready) need_value "$@"; ALWAYS_READY="$2"; shift 2 ;;
    --zone-redundant) ZONE_REDUNDANT=true; shift ;;
    --lock-audit) LOCK_AUDIT=1; shift ;;
    --yes) YES=1; shift ;;
    --skip-infra) SKIP_INFRA=1; shift ;;
    --client-secret-fallback) CLIENT_AUTH="secret"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ -n "$SUBSCRIPTION" && -n "$RG" && -n "$PREFIX" ]] || { usage >&2; exit 2; }
[[ "$PREFIX" =~ ^[a-z0-9]{3,11}$ ]] || die "--prefix must be 3-11 lowercase letters or digits"
if [[ $SKIP_INFRA -eq 0 ]]; then
  [[ -n "$CLIENT_ID" && -n "$MAIL_SENDER" ]] || die "--client-id and --mail-sender are required"
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
PARAMS="$HERE/bicep/main.bicepparam"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
RETRIES="${DEPLOY_RETRIES:-8}"
DELAY="${DEPLOY_RETRY_DELAY:-10}"
CHANGES=()

# Every Azure call names the subscription, so the one checked is the one changed.
azs() { az "$@" --subscription "$SUBSCRIPTION"; }

# retry WHAT CMD...: run CMD until it succeeds, waiting DELAY, 2×DELAY … (at most 120 s).
retry() {
  local what="$1" attempt=1 wait="$DELAY"
  shift
  until "$@"; do
    if (( attempt >= RETRIES )); then
      echo "deploy.sh: $what still failing after $attempt attempts" >&2
      return 1
    fi
    echo "    $what not ready (attempt $attempt of $RETRIES); again in ${wait}s" >&2
    sleep "$wait"
    attempt=$((attempt + 1))
    wait=$(( wait * 2 > 120 ? 120 : wait * 2 ))
  done
}

confirm() {
  [[ $YES -eq 1 ]] && return 0
  local answer=""
  read -r -p "$1 [y/N] " answer || true
  [[ "$answer" == "y" || "$answer" == "Y" || "$answer" == "yes" ]] || { echo "stopped; nothing more was changed"; exit 1; }
}

json_field() {  # json_field FILE KEY: one output value of a deployment, empty when absent
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])) or {}; print((d.get(sys.argv[2]) or {}).get("value",""))' "$1" "$2"
}

# ---------------------------------------------------------------- checks (change nothing)
say "checks"
AZ_VERSION="$(az version --query '"azure-cli"' --output tsv)"
if [[ "$(printf '%s\n%s\n' "$MIN_AZ_VERSION" "$AZ_VERSION" | sort -V | head -n1)" != "$MIN_AZ_VERSION" ]]; then
  die "Azure CLI $AZ_VERSION is older than $MIN_AZ_VERSION (az upgrade)"
fi
SUB_ID="$(az account show --subscription "$SUBSCRIPTION" --query id --output tsv 2>/dev/null)" ||
  die "subscription '$SUBSCRIPTION' is not one this login can use (az account list; az login)"
echo "    az $AZ_VERSION, subscription $SUB_ID, resource group $RG in $LOCATION"

REGISTERED="$(azs provider list --query "[?registrationState=='Registered'].namespace" --output tsv)"
UNREGISTERED=()
for namespace in "${PROVIDERS[@]}"; do
  grep -qix "$namespace" <<< "$REGISTERED" || UNREGISTERED+=("$namespace")
done

if [[ "$ZONE_REDUNDANT" == "true" ]]; then
  ZR_LOCATIONS="$(azs functionapp list-flexconsumption-locations --zone-redundant true --query "[].name" --output tsv)"
  grep -qx "$LOCATION" <<< "$ZR_LOCATIONS" || die "zone-redundant Flex Consumption is not offered in $LOCATION"
fi

RG_EXISTS=0
azs group show --name "$RG" --query id --output tsv >/dev/null 2>&1 && RG_EXISTS=1
OUTPUTS="$WORK/outputs.json"
echo '{}' > "$OUTPUTS"
if [[ $RG_EXISTS -eq 1 ]]; then
  azs deployment group show --resource-group "$RG" --name "$DEPLOYMENT" \
    --query properties.outputs --output json > "$OUTPUTS" 2>/dev/null || echo '{}' > "$OUTPUTS"
fi
FIRST_DEPLOYMENT=1
[[ -n "$(json_field "$OUTPUTS" functionAppName)" ]] && FIRST_DEPLOYMENT=0

if [[ $LOCK_AUDIT -eq 1 && $FIRST_DEPLOYMENT -eq 1 ]]; then
  die "--lock-audit is refused on a first deployment: deploy, check the audit trail, then lock in a later run"
fi
[[ $SKIP_INFRA -eq 1 && $FIRST_DEPLOYMENT -eq 1 ]] && die "--skip-infra needs a previous deployment"

AUDIT_STATE="none"
SECRET_PRESENT=0
if [[ $FIRST_DEPLOYMENT -eq 0 ]]; then
  AUDIT_STATE="$(azs storage container immutability-policy show --resource-group "$RG" \
    --account-name "$(json_field "$OUTPUTS" storageAccountName)" --container-name audit \
    --query state --output tsv)"
  azs resource show --ids "$(json_field "$OUTPUTS" keyVaultId)/secrets/portal-form-secret" \
    --query id --output tsv >/dev/null 2>&1 && SECRET_PRESENT=1
fi

# What main.bicepparam reads. The form key goes in only while the vault has none: generated
# here, it passes through the environment only; writing it again would replace the key.
export PORTAL_NAME_PREFIX="$PREFIX" PORTAL_LOCATION="$LOCATION" PORTAL_CLIENT_ID="$CLIENT_ID"
export PORTAL_MAIL_SENDER="$MAIL_SENDER" PORTAL_BASE_URL="$BASE_URL" PORTAL_ALERT_EMAIL="$ALERT_EMAIL"
export PORTAL_OPERATOR_GROUP_ID="$OPERATOR_GROUP" PORTAL_ZONE_REDUNDANT="$ZONE_REDUNDANT"
export PORTAL_ALWAYS_READY="$ALWAYS_READY" PORTAL_CLIENT_AUTH="$CLIENT_AUTH"
export PORTAL_AUDIT_POLICY_LOCKED=false
[[ "$AUDIT_STATE" == "Locked" ]] && PORTAL_AUDIT_POLICY_LOCKED=true
PORTAL_FORM_SECRET=""
if [[ $SECRET_PRESENT -eq 0 && $SKIP_INFRA -eq 0 ]]; then
  PORTAL_FORM_SECRET="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
fi
export PORTAL_FORM_SECRET

# ---------------------------------------------------------------- preview, then infrastructure
if [[ $SKIP_INFRA -eq 0 ]]; then
  if [[ ${#UNREGISTERED[@]} -gt 0 || $RG_EXISTS -eq 0 ]]; then
    [[ ${#UNREGISTERED[@]} -gt 0 ]] && echo "    resource providers to register: ${UNREGISTERED[*]}"
    [[ $RG_EXISTS -eq 0 ]] && echo "    resource group $RG to create in $LOCATION (the preview needs it)"
    confirm "Register/create these before the preview?"
    for namespace in "${UNREGISTERED[@]}"; do
      azs provider register --namespace "$namespace" --wait --output none
      CHANGES+=("provider $namespace registered")
    done
    if [[ $RG_EXISTS -eq 0 ]]; then
      azs group create --name "$RG" --location "$LOCATION" --output none
      CHANGES+=("resource group $RG created")
    fi
  fi

  say "preview (what-if)"
  azs deployment group what-if --resource-group "$RG" --name "$DEPLOYMENT" --parameters "$PARAMS" \
    --no-pretty-print --query "changes[?changeType!='NoChange' && changeType!='Ignore'].[changeType, resourceId]" \
    --output tsv > "$WORK/whatif.tsv"
  if [[ -s "$WORK/whatif.tsv" ]]; then
    sed 's/^/    /' "$WORK/whatif.tsv"
    confirm "Apply these $(wc -l < "$WORK/whatif.tsv") changes?"
    say "deploying Bicep"
    azs deployment group create --resource-group "$RG" --name "$DEPLOYMENT" --parameters "$PARAMS" --output none
    CHANGES+=("infrastructure: $(wc -l < "$WORK/whatif.tsv") resources")
    azs deployment group show --resource-group "$RG" --name "$DEPLOYMENT" \
      --query properties.outputs --output json > "$OUTPUTS"
  else
    echo "    infrastructure: no change"
  fi
fi

APP="$(json_field "$OUTPUTS" functionAppName)"
HOST="$(json_field "$OUTPUTS" functionAppHostName)"
STORAGE="$(json_field "$OUTPUTS" storageAccountName)"
STORAGE_ID="$(json_field "$OUTPUTS" storageAccountId)"
DEAD_LETTERS="$(json_field "$OUTPUTS" deadLetterContainerId)"
[[ -n "$APP" && -n "$HOST" && -n "$STORAGE_ID" ]] || die "deployment '$DEPLOYMENT' in $RG has no outputs"

# ---------------------------------------------------------------- code
say "code"
DIGEST="$(python3 "$HERE/package.py" --digest --root "$ROOT")"
DEPLOYED_DIGEST="$(azs group show --name "$RG" --query "tags.$PACKAGE_TAG" --output tsv)"
if [[ "$DIGEST" == "$DEPLOYED_DIGEST" ]]; then
  echo "    package unchanged ($DIGEST)"
else
  python3 "$HERE/package.py" "$WORK/app.zip" --root "$ROOT"
  confirm "Upload the package to $APP (remote build)?"
  # 403 while the app's new role on the deployment container propagates: retry.
  retry "package upload" azs functionapp deployment source config-zip --resource-group "$RG" \
    --name "$APP" --src "$WORK/app.zip" --build-remote true --output none
  azs group update --name "$RG" --set "tags.$PACKAGE_TAG=$DIGEST" --output none
  CHANGES+=("code $DIGEST")
fi

# ---------------------------------------------------------------- Event Grid subscription
say "Event Grid subscription $EVENT_SUBSCRIPTION"
# A wrong functionName is answered 202 and nothing runs: tests/infra/test_package.py checks it.
FILING_FUNCTION="${FILING_FUNCTION:-file_incoming}"
CURRENT_DEAD_LETTERS="$(azs eventgrid event-subscription show --name "$EVENT_SUBSCRIPTION" \
  --source-resource-id "$STORAGE_ID" \
  --query deadLetterWithResourceIdentity.deadLetterDestination.resourceId --output tsv 2>/dev/null || true)"
if [[ -n "$CURRENT_DEAD_LETTERS" && "$CURRENT_DEAD_LETTERS" == "$DEAD_LETTERS" ]]; then
  echo "    exists, dead-lettered to eventgrid-deadletter"
else
  blobs_key() {
    BLOBS_KEY="$(azs functionapp keys list --resource-group "$RG" --name "$APP" \
      --query systemKeys.blobs_extension --output tsv)"
    [[ -n "$BLOBS_KEY" ]]
  }
  # The key appears once the host has started with the new code.
  retry "blobs_extension key" blobs_key
  azs eventgrid event-subscription create --name "$EVENT_SUBSCRIPTION" \
    --source-resource-id "$STORAGE_ID" \
    --endpoint "https://$HOST/runtime/webhooks/blobs?functionName=Host.Functions.$FILING_FUNCTION&code=$BLOBS_KEY" \
    --endpoint-type webhook \
    --included-event-types Microsoft.Storage.BlobCreated \
    --subject-begins-with /blobServices/default/containers/incoming/blobs/ \
    --max-delivery-attempts 30 --event-ttl 1440 \
    --deadletter-identity systemassigned --deadletter-identity-endpoint "$DEAD_LETTERS" \
    --output none
  CHANGES+=("Event Grid subscription $EVENT_SUBSCRIPTION")
fi

# ---------------------------------------------------------------- audit lock
if [[ $LOCK_AUDIT -eq 1 ]]; then
  if [[ "$AUDIT_STATE" == "Locked" ]]; then
    echo "    audit immutability policy already locked"
  else
    confirm "Lock the audit immutability policy of $STORAGE? This cannot be undone."
    ETAG="$(azs storage container immutability-policy show --resource-group "$RG" --account-name "$STORAGE" \
      --container-name audit --query etag --output tsv)"
    azs storage container immutability-policy lock --resource-group "$RG" --account-name "$STORAGE" \
      --container-name audit --if-match "$ETAG" --output none
    CHANGES+=("audit immutability policy locked")
  fi
fi

# ---------------------------------------------------------------- smoke test
say "smoke test https://$HOST/api/health"
health() { curl --fail --silent --show-error --max-time 30 "https://$HOST/api/health" > "$WORK/health.json"; }
retry "/api/health" health
echo "    $(cat "$WORK/health.json")"

if [[ ${#CHANGES[@]} -eq 0 ]]; then
  say "done: nothing changed"
else
  say "done: ${#CHANGES[@]} changes"
  printf '    %s\n' "${CHANGES[@]}"
fi
echo "    https://$HOST/portal"
