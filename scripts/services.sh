#!/usr/bin/env bash
# Installs (when missing) and starts MariaDB and Redis on loopback for the
# integration tests, creates the test database and user, and prints the
# environment the tests read. Safe to run again: it reuses running servers.
set -euo pipefail

log() { echo "services: $*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root (or sudo) to install and start MariaDB and Redis"; exit 1; fi
}

if ! command -v mariadbd >/dev/null || ! command -v redis-server >/dev/null; then
  log "installing mariadb-server and redis-server with apt"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server redis-server >/dev/null
fi

if ! mysqladmin --protocol=socket ping >/dev/null 2>&1; then
  log "starting MariaDB"
  as_root mkdir -p /run/mysqld
  as_root chown mysql:mysql /run/mysqld
  if [ ! -d /var/lib/mysql/mysql ]; then
    as_root mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  fi
  mlog="${TMPDIR:-/tmp}/unionbot-mariadb.log"
  as_root bash -c "nohup mariadbd --user=mysql --bind-address=127.0.0.1 --port=3306 >'$mlog' 2>&1 &"
  for _ in $(seq 1 60); do
    mysqladmin --protocol=socket ping >/dev/null 2>&1 && break
    sleep 0.5
  done
  mysqladmin --protocol=socket ping >/dev/null 2>&1 || { log "MariaDB did not start:"; tail -20 "$mlog" >&2; exit 1; }
fi
as_root mysql --protocol=socket -uroot <<'SQL'
CREATE DATABASE IF NOT EXISTS unionbot_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'unionbot'@'127.0.0.1' IDENTIFIED BY 'unionbot';
CREATE USER IF NOT EXISTS 'unionbot'@'localhost' IDENTIFIED BY 'unionbot';
GRANT ALL PRIVILEGES ON `unionbot\_%`.* TO 'unionbot'@'127.0.0.1';
GRANT ALL PRIVILEGES ON `unionbot\_%`.* TO 'unionbot'@'localhost';
GRANT ALL PRIVILEGES ON `unionbot_test`.* TO 'unionbot'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  log "starting Redis"
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no >/dev/null
  for _ in $(seq 1 40); do
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break
    sleep 0.25
  done
fi

echo "export UNIONBOT_TEST_MYSQL='mysql://unionbot:unionbot@tcp(127.0.0.1:3306)/unionbot_test?charset=utf8mb4&parseTime=true&loc=Local'"
echo "export UNIONBOT_TEST_REDIS='redis://127.0.0.1:6379/15'"
