#!/bin/sh
# Starts Orthanc with /etc/orthanc/*.json. Orthanc replaces an unset ${VAR} in its
# configuration by an empty string, which would register a user with an empty password:
# refuse to start instead.
set -eu
if [ -z "${ORTHANC_ADMIN_PASSWORD:-}" ]; then
  echo "orthanc-mcr: set ORTHANC_ADMIN_PASSWORD (and optionally ORTHANC_ADMIN_USER, default admin)" >&2
  exit 1
fi
export ORTHANC_ADMIN_USER="${ORTHANC_ADMIN_USER:-admin}"
if [ -f /etc/orthanc/postgresql.json ] && [ -z "${ORTHANC_PG_PASSWORD:-}" ]; then
  echo "orthanc-mcr: /etc/orthanc/postgresql.json is mounted but ORTHANC_PG_PASSWORD is not set" >&2
  exit 1
fi
exec /usr/sbin/Orthanc "$@" /etc/orthanc/
