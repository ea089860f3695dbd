# Sourced by .ci/run: gives the PostgreSQL suites a throw-away test database in DATABASE_URL.
# Where a server answers on 127.0.0.1:5432 (trust auth) a database is created there for this
# run alone; where none answers, PostgreSQL is installed from Debian's packages if needed and a
# throw-away cluster is started on 127.0.0.1 on a free port. Everything made here is removed
# on exit. CI_PG_THROWAWAY=1 takes the second path even where a server answers.

PG_DB="club_tool_ci_test_$$"
PG_CLUSTER_DIR=""

pg_admin() { # URL SQL
  node --input-type=module -e "
    import pg from 'pg';
    const client = new pg.Client({ connectionString: process.argv[1] });
    await client.connect();
    try { await client.query(process.argv[2]); } finally { await client.end(); }
  " "$1" "$2"
}

pg_free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();})"
}

pg_throwaway_cluster() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bin" ]; then
    echo "== installing PostgreSQL from Debian's packages"
    mkdir -p /etc/postgresql-common
    # No default cluster: only the throw-away one below runs.
    echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent postgres
  PG_CLUSTER_DIR=$(mktemp -d /tmp/club-tool-ci-pg-XXXXXX)
  chown postgres "$PG_CLUSTER_DIR"
  local port
  port=$(pg_free_port)
  runuser -u postgres -- "$bin/initdb" -D "$PG_CLUSTER_DIR/data" -A trust -U postgres >/dev/null
  runuser -u postgres -- "$bin/pg_ctl" -D "$PG_CLUSTER_DIR/data" -l "$PG_CLUSTER_DIR/log" -w \
    -o "-p $port -k $PG_CLUSTER_DIR -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null
  PG_BIN="$bin"
  PG_SERVER="postgres://postgres@127.0.0.1:$port"
  echo "== throw-away PostgreSQL cluster on 127.0.0.1:$port"
}

pg_cleanup() {
  if [ -n "${PG_SERVER:-}" ]; then
    pg_admin "$PG_SERVER/postgres" "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" || true
  fi
  if [ -n "$PG_CLUSTER_DIR" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m immediate stop >/dev/null || true
    rm -rf "$PG_CLUSTER_DIR"
  fi
}

pg_setup() {
  if [ "${CI_PG_THROWAWAY:-0}" != "1" ] && (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
    PG_SERVER="postgres://postgres@127.0.0.1:5432"
    echo "== PostgreSQL answers on 127.0.0.1:5432"
  else
    pg_throwaway_cluster
  fi
  trap pg_cleanup EXIT
  pg_admin "$PG_SERVER/postgres" "CREATE DATABASE $PG_DB"
  export DATABASE_URL="$PG_SERVER/$PG_DB"
}
