# shellcheck shell=bash
# Two (or more) Odoo nodes in prefork mode on one database of the private cluster:
# what scripts/serve-cluster and benchmarks/load/run share. Source scripts/common.sh
# and call setup_all first.
#
# Node I (1, 2, …) listens on 127.0.0.1:$((CLUSTER_PORT + I - 1)) (its gevent port is
# 100 above), runs --workers=2 --max-cron-threads=1, logs to
# .local/logs/cluster-node-I.log and keeps its master's pid in
# .local/cluster/node-I.pid.

CLUSTER_DB="${CRM_SHOWROOM_LOAD_DB:-crm_showroom_load}"
CLUSTER_PORT="${CRM_SHOWROOM_LOAD_PORT:-8169}"
CLUSTER_DIR="$LOCAL_DIR/cluster"
CLUSTER_LOG_DIR="$LOCAL_DIR/logs"

cluster_port() { echo $((CLUSTER_PORT + $1 - 1)); }
cluster_url() { echo "http://127.0.0.1:$(cluster_port "$1")"; }
cluster_log() { echo "$CLUSTER_LOG_DIR/cluster-node-$1.log"; }
cluster_pid() { cat "$CLUSTER_DIR/node-$1.pid" 2>/dev/null || true; }

# cluster_db_ready: $CLUSTER_DB with crm_showroom and its demo data, installed on
# first use (a few minutes); an existing one is upgraded when its crm_showroom is of
# another version than the code's manifest (its migrations run), else used as it is.
cluster_db_ready() {
    local log="$CLUSTER_LOG_DIR/cluster-install.log" installed wanted
    mkdir -p "$CLUSTER_LOG_DIR" "$CLUSTER_DIR"
    if [ "$(module_state "$CLUSTER_DB" crm_showroom)" != installed ]; then
        say "Creating database $CLUSTER_DB: crm_showroom with demo data (a few minutes; log: $log)"
        drop_db "$CLUSTER_DB"
        odoo_bin -d "$CLUSTER_DB" -i crm_showroom --stop-after-init --no-http --max-cron-threads=0 \
            --log-level=info > "$log" 2>&1 || die "Installing crm_showroom in $CLUSTER_DB failed (see $log)."
        ! grep -q "demo data failed to install" "$log" \
            || die "The demo data failed to install in $CLUSTER_DB (see $log)."
    fi
    installed=$(psql_value "$CLUSTER_DB" "SELECT latest_version FROM ir_module_module WHERE name = 'crm_showroom'")
    wanted=$(python3 -c 'import ast, sys; print(ast.literal_eval(open(sys.argv[1]).read())["version"])' \
        "$REPO_DIR/crm_showroom/__manifest__.py")
    if [ "$installed" != "$wanted" ]; then
        say "Upgrading crm_showroom $installed to $wanted in $CLUSTER_DB (log: $log)"
        odoo_bin -d "$CLUSTER_DB" -u crm_showroom --stop-after-init --no-http --max-cron-threads=0 \
            --log-level=info > "$log" 2>&1 || die "Upgrading crm_showroom in $CLUSTER_DB failed (see $log)."
    fi
    [ "$(psql_value "$CLUSTER_DB" "SELECT demo FROM ir_module_module WHERE name = 'crm_showroom'")" = t ] \
        || die "Database $CLUSTER_DB has crm_showroom without its demo data: dropdb $CLUSTER_DB and run again."
}

# cluster_start_node I: starts node I in the background (its log is appended to).
cluster_start_node() {
    local port
    port=$(cluster_port "$1")
    ! (exec 3<> "/dev/tcp/127.0.0.1/$port") 2>/dev/null \
        || die "Port $port is already in use: stop what uses it or set CRM_SHOWROOM_LOAD_PORT."
    mkdir -p "$CLUSTER_DIR" "$CLUSTER_LOG_DIR"
    odoo_cmd -d "$CLUSTER_DB" --db-filter="^${CLUSTER_DB}\$" --http-interface=127.0.0.1 \
        --http-port="$port" --gevent-port=$((port + 100)) --workers=2 --max-cron-threads=1 \
        --logfile="$(cluster_log "$1")" --log-level=info
    # A prefork worker gives a client 2 s to send its request (ODOO_HTTP_SOCKET_TIMEOUT),
    # made for a proxy that sends whole requests; the load test's client shares the
    # 2 busy cores with the nodes and may be slower: 10 s.
    ODOO_HTTP_SOCKET_TIMEOUT="${ODOO_HTTP_SOCKET_TIMEOUT:-10}" "${ODOO_CMD[@]}" &
    echo $! > "$CLUSTER_DIR/node-$1.pid"
}

# cluster_stop_node I: stops node I (SIGTERM: the master stops its workers), SIGKILL
# after 30 s.
cluster_stop_node() {
    local pid
    pid=$(cluster_pid "$1")
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "Node $1 (pid $pid) did not stop in 30 s: SIGKILL"
        pkill -KILL -P "$pid" 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    rm -f "$CLUSTER_DIR/node-$1.pid"
}

# cluster_wait_node I: waits (at most 120 s) until node I answers /web/health.
cluster_wait_node() {
    local url pid
    url="$(cluster_url "$1")/web/health"
    pid=$(cluster_pid "$1")
    for _ in $(seq 1 240); do
        kill -0 "$pid" 2>/dev/null || die "Node $1 stopped while starting (see $(cluster_log "$1"))."
        if "$VENV_DIR/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
            "$url" 2>/dev/null; then
            return 0
        fi
        sleep 0.5
    done
    die "Node $1 did not answer $url within 120 s (see $(cluster_log "$1"))."
}

# cluster_trigger_crons XMLID…: the crons (xml ids of crm_showroom) due now, and the
# cron workers woken (the NOTIFY Odoo's ir.cron._trigger sends).
cluster_trigger_crons() {
    local names
    names=$(printf "'%s'," "$@")
    psql -XAtq -d "$CLUSTER_DB" -v ON_ERROR_STOP=1 >/dev/null <<SQL
INSERT INTO ir_cron_trigger (cron_id, call_at)
     SELECT res_id, now() AT TIME ZONE 'UTC' FROM ir_model_data
      WHERE module = 'crm_showroom' AND model = 'ir.cron' AND name IN (${names%,});
SELECT pg_notify('cron_trigger', '$CLUSTER_DB');
SQL
}
