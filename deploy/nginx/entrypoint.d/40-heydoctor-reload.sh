#!/bin/sh
# Certbot renews certificates in its own container and cannot signal nginx, so
# nginx re-reads its certificates (and re-resolves the app replicas) every 6 hours.
# The nginx image runs this before it starts nginx; the loop outlives the script.
set -eu
interval="${NGINX_RELOAD_INTERVAL:-6h}"
(
	while :; do
		sleep "$interval"
		nginx -s reload || true
	done
) >/dev/null 2>&1 &
