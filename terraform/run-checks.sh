#!/usr/bin/env bash
# Static checks of the Terraform modules and examples (no terraform binary needed):
# HashiCorp's HCL2 parser (@cdktf/hcl2json, pinned in package-lock.json) plus the checks in test/.
# Called from .ci/run; exits non-zero when any check fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."

npm ci --ignore-scripts --prefix terraform --no-audit --no-fund --loglevel=error >/dev/null

# The runner's closing summary (# tests / # pass / # fail) is printed by the TAP reporter.
node --test --test-reporter=tap terraform/test/*.test.mjs
