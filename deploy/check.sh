#!/usr/bin/env bash
# Syntax checks for what CI cannot run here: the nginx configs (`nginx -t`), the compose file
# (`docker compose config` where a Compose plugin exists, and a structural check of the YAML), and the
# lockfile the image's `npm ci` installs from (every platform's native packages recorded).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if command -v nginx >/dev/null 2>&1; then
  # kameng.conf is an http{}-level include with TLS: give it a throwaway certificate and a wrapper
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=kameng.test \
    -keyout "$tmp/kameng.key" -out "$tmp/kameng.crt" >/dev/null 2>&1
  sed "s#/etc/nginx/tls/#$tmp/#g" deploy/nginx/kameng.conf >"$tmp/kameng.conf"
  cat >"$tmp/wrapper.conf" <<CONF
pid $tmp/nginx.pid;
error_log stderr warn;
events {}
http {
  client_body_temp_path $tmp/body;
  proxy_temp_path $tmp/proxy;
  include $tmp/kameng.conf;
}
CONF
  nginx -t -q -p "$tmp" -c "$tmp/wrapper.conf"
  echo "nginx -t: deploy/nginx/kameng.conf ok"
  # the compose stack's config names the service `app`, which resolves only inside compose
  sed 's/server app:3000/server 127.0.0.1:3000/' deploy/nginx/nginx.conf >"$tmp/nginx.conf"
  nginx -t -q -p "$tmp" -c "$tmp/nginx.conf"
  echo "nginx -t: deploy/nginx/nginx.conf ok"
else
  echo "nginx not installed: nginx configs not checked" >&2
  exit 1
fi

if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  KAMENG_MASTER_KEY="$(printf '0%.0s' $(seq 64))" POSTGRES_PASSWORD=check \
    docker compose -f deploy/docker-compose.yml config -q
  echo "docker compose config: deploy/docker-compose.yml ok"
fi
# secrets, stop grace and health checks: what `docker compose config` does not judge
node deploy/check-compose.ts deploy/docker-compose.yml

node deploy/check-lockfile.ts package-lock.json
