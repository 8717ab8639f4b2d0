#!/bin/sh
# init-letsencrypt.sh gets the first Let's Encrypt certificate for HEYDOCTOR_DOMAIN.
#
# nginx will not start without a certificate, and certbot needs nginx to answer the
# HTTP challenge, so: a throw-away self-signed certificate lets nginx start, then
# certbot replaces it with a real one and nginx reloads. Everything it runs is in the
# images already: it downloads nothing. Run it once, from this directory, after
# filling in .env. Add --force to replace an existing certificate.
set -eu

cd "$(dirname "$0")"
compose="${COMPOSE:-docker compose}"

if [ ! -f .env ]; then
	echo "init-letsencrypt: .env is missing: cp .env.example .env and fill it in" >&2
	exit 1
fi
# Read only the three variables we need; .env is not sourced as a script.
env_value() {
	sed -n "s/^$1=//p" .env | tail -n 1
}
domain="$(env_value HEYDOCTOR_DOMAIN)"
email="$(env_value LETSENCRYPT_EMAIL)"
staging="$(env_value LETSENCRYPT_STAGING)"

case "$domain" in
"" | *example*)
	echo "init-letsencrypt: set HEYDOCTOR_DOMAIN in .env to the server's public name" >&2
	exit 1
	;;
esac
case "$domain" in
*[!A-Za-z0-9.-]*)
	echo "init-letsencrypt: HEYDOCTOR_DOMAIN=$domain is not a host name" >&2
	exit 1
	;;
esac
if [ -z "$email" ]; then
	echo "init-letsencrypt: set LETSENCRYPT_EMAIL in .env" >&2
	exit 1
fi

live="/etc/letsencrypt/live/$domain"
if [ "${1:-}" != "--force" ] &&
	$compose run --rm --no-deps --entrypoint test certbot -s "$live/fullchain.pem"; then
	echo "init-letsencrypt: a certificate for $domain exists already; use --force to replace it"
	exit 0
fi

echo "### 1/4 self-signed placeholder certificate for $domain"
$compose run --rm --no-deps --entrypoint sh certbot -c \
	"mkdir -p '$live' && openssl req -x509 -nodes -newkey rsa:2048 -days 1 \
	-keyout '$live/privkey.pem' -out '$live/fullchain.pem' -subj '/CN=localhost'"

echo "### 2/4 starting nginx (and the app it waits for)"
$compose up --force-recreate -d nginx

echo "### 3/4 asking Let's Encrypt for $domain"
$compose run --rm --no-deps --entrypoint sh certbot -c \
	"rm -rf '/etc/letsencrypt/live/$domain' '/etc/letsencrypt/archive/$domain' '/etc/letsencrypt/renewal/$domain.conf'"
staging_arg=""
if [ "$staging" = "1" ]; then
	staging_arg="--staging"
fi
# shellcheck disable=SC2086 # staging_arg is empty or one word
$compose run --rm --no-deps --entrypoint certbot certbot certonly \
	--webroot -w /var/www/certbot $staging_arg \
	--email "$email" -d "$domain" \
	--agree-tos --no-eff-email --non-interactive --key-type ecdsa

echo "### 4/4 reloading nginx with the new certificate"
$compose exec nginx nginx -s reload
echo "init-letsencrypt: done; certbot renews it from now on"
