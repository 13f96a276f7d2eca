#!/usr/bin/env bash
# Debian packages of the tests in test/pending/ (see its README): not part of CI until those tests have run once.
set -euo pipefail
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openipmi ipmitool python3-sushy cloud-init
