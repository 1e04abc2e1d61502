#!/usr/bin/env bash
# Deploy the benefit documents portal with the Azure CLI:
#   1. resource group + Bicep (infra/bicep/main.bicep),
#   2. code: an allow-list zip (infra/package.py) pushed with remote build,
#   3. post-deploy: the Event Grid subscription (BlobCreated under incoming/) that feeds the
#      filing function; it needs the blobs extension key, which exists only once code runs.
# Optional: --lock-audit locks the audit container's immutability policy (irreversible).
#
# Needs: az (logged in: `az login`) and python3 (package.py writes the zip itself).
# Secrets: the Entra ID client secret is read from $PORTAL_CLIENT_SECRET, never from a file.
set -euo pipefail

usage() {
  cat <<USAGE
usage: PORTAL_CLIENT_SECRET=... infra/deploy.sh -g RESOURCE_GROUP -p NAME_PREFIX \\
         --client-id APP_ID --mail-sender ADDRESS [-l LOCATION] [--lock-audit] [--skip-infra]
  -g, --resource-group   resource group (created if missing)
  -p, --prefix           3-11 lowercase letters/digits, stem of every resource name
  -l, --location         Azure region (default: switzerlandnorth)
      --client-id        application (client) id of the portal's app registration
      --mail-sender      mailbox the portal sends from (Graph)
      --lock-audit       lock the audit immutability policy after deployment (cannot be undone)
      --skip-infra       only deploy code and the Event Grid subscription
  FILING_FUNCTION        name of the blob-triggered filing function (default: file_incoming)
USAGE
}

RG="" PREFIX="" LOCATION="switzerlandnorth" CLIENT_ID="" MAIL_SENDER="" LOCK_AUDIT=0 SKIP_INFRA=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -g|--resource-group) RG="$2"; shift 2 ;;
    -p|--prefix) PREFIX="$2"; shift 2 ;;
    -l|--location) LOCATION="$2"; shift 2 ;;
    --client-id) CLIENT_ID="$2"; shift 2 ;;
    --mail-sender) MAIL_SENDER="$2"; shift 2 ;;
    --lock-audit) LOCK_AUDIT=1; shift ;;
    --skip-infra) SKIP_INFRA=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ -n "$RG" && -n "$PREFIX" ]] || { usage >&2; exit 2; }

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [[ $SKIP_INFRA -eq 0 ]]; then
  [[ -n "$CLIENT_ID" && -n "$MAIL_SENDER" ]] || { echo "--client-id and --mail-sender are required" >&2; exit 2; }
  [[ -n "${PORTAL_CLIENT_SECRET:-}" ]] || { echo "set PORTAL_CLIENT_SECRET in the environment" >&2; exit 2; }
  echo "==> resource group $RG in $LOCATION"
  az group create --name "$RG" --location "$LOCATION" --output none
  echo "==> Bicep deployment"
  # The secret goes in as a parameter value from the environment; az does not echo it.
  az deployment group create \
    --resource-group "$RG" \
    --name portal \
    --template-file "$HERE/bicep/main.bicep" \
    --parameters location="$LOCATION" namePrefix="$PREFIX" clientId="$CLIENT_ID" \
                 mailSender="$MAIL_SENDER" clientSecret="$PORTAL_CLIENT_SECRET" \
    --output none
fi

output() {
  az deployment group show --resource-group "$RG" --name portal --query "properties.outputs.$1.value" --output tsv
}
APP="$(output functionAppName)"
HOST="$(output functionAppHostName)"
STORAGE_ID="$(output storageAccountId)"
STORAGE="$(output storageAccountName)"

echo "==> package (allow-list: function_app.py, host.json, requirements.txt, functions/, shared/)"
python3 "$HERE/package.py" "$WORK/app.zip" --root "$ROOT"

echo "==> code deployment to $APP (remote build installs requirements.txt)"
az functionapp deployment source config-zip \
  --resource-group "$RG" --name "$APP" --src "$WORK/app.zip" --build-remote true --output none

echo "==> Event Grid subscription for incoming/"
# The blob-triggered filing function; tests/infra/test_package.py checks this name against
# function_app, because a wrong functionName is answered 202 and nothing ever runs.
FILING_FUNCTION="${FILING_FUNCTION:-file_incoming}"
# The key of the host's blobs extension; it exists only after the code above is running.
BLOBS_KEY="$(az functionapp keys list --resource-group "$RG" --name "$APP" \
  --query systemKeys.blobs_extension --output tsv)"
[[ -n "$BLOBS_KEY" ]] || { echo "blobs_extension key not there yet; rerun with --skip-infra in a minute" >&2; exit 1; }
# A wrong functionName is answered 202 and nothing runs: the name must be exact.
ENDPOINT="https://$HOST/runtime/webhooks/blobs?functionName=Host.Functions.$FILING_FUNCTION&code=$BLOBS_KEY"
az eventgrid event-subscription create \
  --name incoming-to-filing \
  --source-resource-id "$STORAGE_ID" \
  --endpoint "$ENDPOINT" \
  --endpoint-type webhook \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with /blobServices/default/containers/incoming/blobs/ \
  --max-delivery-attempts 30 \
  --event-ttl 1440 \
  --output none

if [[ $LOCK_AUDIT -eq 1 ]]; then
  echo "==> locking the audit container's immutability policy (irreversible)"
  ETAG="$(az storage container immutability-policy show --account-name "$STORAGE" \
    --container-name audit --resource-group "$RG" --query etag --output tsv)"
  az storage container immutability-policy lock --account-name "$STORAGE" \
    --container-name audit --resource-group "$RG" --if-match "$ETAG" --output none
fi

echo "==> done: https://$HOST/portal"
