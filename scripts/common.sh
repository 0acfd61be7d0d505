# shellcheck shell=bash
# Shared set-up for scripts/run and scripts/test: the Odoo source tree, the
# virtualenv and the PostgreSQL server. Every step is idempotent: it does its
# work on first use and is a quick check afterwards.

set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL_DIR="$REPO_DIR/.local"                     # git-ignored
ODOO_DEFAULT_PATH="/opt/odoo-18.0"
ODOO_UPSTREAM="https://github.com/odoo/odoo.git"
VENV_DIR="${CRM_SHOWROOM_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/crm_showroom/venv}"
PG_USER="${PGUSER:-crm_showroom}"

say() { printf '\033[1m[crm_showroom]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[crm_showroom] error:\033[0m %s\n' "$*" >&2; exit 1; }

# --------------------------------------------------------------------------
# Odoo source tree: $ODOO_PATH, else /opt/odoo-18.0, else a clone of upstream
# --------------------------------------------------------------------------
is_odoo18_tree() {
    [ -f "$1/odoo/release.py" ] && [ -d "$1/odoo/addons/crm" ] \
        && grep -q "^version_info = (18, 0," "$1/odoo/release.py"
}

find_odoo() {
    if [ -n "${ODOO_PATH:-}" ]; then
        is_odoo18_tree "$ODOO_PATH" \
            || die "ODOO_PATH=$ODOO_PATH does not hold an Odoo 18.0 source tree (expected $ODOO_PATH/odoo/release.py of version 18.0 and $ODOO_PATH/odoo/addons/crm)."
    elif is_odoo18_tree "$ODOO_DEFAULT_PATH"; then
        ODOO_PATH="$ODOO_DEFAULT_PATH"
    else
        say "No Odoo 18.0 tree at $ODOO_DEFAULT_PATH; trying to clone $ODOO_UPSTREAM (branch 18.0)"
        if timeout 20 git ls-remote --heads "$ODOO_UPSTREAM" 18.0 >/dev/null 2>&1 \
            && git clone --depth 1 --branch 18.0 "$ODOO_UPSTREAM" "$ODOO_DEFAULT_PATH"; then
            ODOO_PATH="$ODOO_DEFAULT_PATH"
        else
            die "Odoo 18.0 was not found and upstream cannot be reached. Put an Odoo 18.0 source tree (the folder holding odoo-bin, setup.py, requirements.txt and odoo/addons) at $ODOO_DEFAULT_PATH, or set ODOO_PATH to the folder holding one."
        fi
    fi
    export ODOO_PATH
    # Only odoo/addons and ours: a top-level addons/ beside odoo/ may be stale.
    ADDONS_PATH="$ODOO_PATH/odoo/addons,$REPO_DIR"
}

# --------------------------------------------------------------------------
# System packages (Debian names). Each is detected by what it provides (a command
# or a file), so a machine that has them makes no apt call. Missing ones are
# installed with apt-get when we run as root; otherwise we stop with the command.
# --------------------------------------------------------------------------
APT_LOG="$LOCAL_DIR/apt.log"

# The packages the app needs at run time: PDF reports, Chinese text in them.
missing_app_packages() {
    command -v wkhtmltopdf >/dev/null || echo wkhtmltopdf
    [ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || echo fonts-noto-cjk
}

# The packages the tests need beyond the app's: a browser for Odoo's tours (any of
# the names odoo/tests/common.py looks for), pdftotext (reads rendered PDFs) and
# libfaketime (the test clocks).
missing_test_packages() {
    command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
        || command -v google-chrome >/dev/null || command -v google-chrome-stable >/dev/null \
        || echo chromium
    command -v pdftotext >/dev/null || echo poppler-utils
    [ -n "$(faketime_lib)" ] || echo faketime
}

# The packages pip needs to build Odoo's requirements that come as source only
# (psycopg2, python-ldap): a C compiler, headers, pg_config; and python3's venv.
missing_build_packages() {
    local python
    python=$(readlink -f "$(command -v python3)" 2>/dev/null || true)
    [ -n "$python" ] || echo python3 python3-venv python3-dev   # Debian's, then
    { command -v gcc >/dev/null && [ -f /usr/include/stdio.h ]; } || echo gcc libc6-dev
    [ -f /usr/include/ldap.h ] || echo libldap2-dev
    [ -f /usr/include/sasl/sasl.h ] || echo libsasl2-dev
    { command -v pg_config >/dev/null && [ -f /usr/include/postgresql/libpq-fe.h ]; } || echo libpq-dev
    # Debian's python3 splits venv (ensurepip) and the C headers into packages of
    # their own; another python3 (pyenv, /usr/local) has them or is not ours to fix.
    if [[ "$python" == /usr/bin/* ]]; then
        "$python" -c 'import ensurepip, venv' 2>/dev/null || echo python3-venv
        "$python" -c 'import os, sysconfig, sys; sys.exit(not os.path.isfile(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
            || echo python3-dev
    fi
}

# install_packages PKG…: installs Debian packages (apt-get update first) when we run
# as root; otherwise stops at once with the command that installs them.
install_packages() {
    [ $# -gt 0 ] || return 0
    local line="apt-get update && apt-get install -y --no-install-recommends $*"
    command -v apt-get >/dev/null \
        || die "Missing system packages (Debian names): $*. This machine has no apt-get: install their equivalents, then run again."
    [ "$(id -u)" = 0 ] \
        || die "Missing system packages: $*. Install them as root, then run again:
    $line"
    mkdir -p "$LOCAL_DIR"
    say "Installing system packages: $* (apt-get's output goes to $APT_LOG)"
    if ! { echo "+ apt-get update"; apt-get update; } >> "$APT_LOG" 2>&1; then
        tail -n 20 "$APT_LOG" >&2
        die "apt-get update failed (last lines above). Install the packages yourself: $line"
    fi
    if ! { echo "+ apt-get install -y --no-install-recommends $*";
           DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"; } >> "$APT_LOG" 2>&1; then
        tail -n 20 "$APT_LOG" >&2
        die "apt-get install failed (last lines above): $line"
    fi
}

# missing_packages [tests]: the Debian packages this machine lacks for the app (and
# with "tests", for its tests), for building or updating the virtualenv when it is
# not up to date, and for PostgreSQL: the server for the private cluster, or only
# the client tools when PG* variables name a server.
missing_packages() {
    missing_app_packages
    if [ "${1:-}" = tests ]; then missing_test_packages; fi
    if ! venv_up_to_date; then missing_build_packages; fi
    if [ -z "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]; then
        [ -n "$(pg_bindir)" ] || echo postgresql
    elif ! command -v psql >/dev/null && [ -z "$(pg_bindir)" ]; then
        echo postgresql-client
    fi
}

setup_system_packages() {
    local missing
    missing=$(missing_packages "${1:-}" | xargs)
    [ -n "$missing" ] || return 0
    # shellcheck disable=SC2086  # package names: one word each
    install_packages $missing
    missing=$(missing_packages "${1:-}" | xargs)
    [ -z "$missing" ] || die "Still missing after apt-get install: $missing (see $APT_LOG)."
}

# --------------------------------------------------------------------------
# Virtualenv: Odoo's requirements, Odoo itself (editable) and our tooling.
# Built once per Odoo tree and Python version; when only the requirement files
# change, pip installs the difference into it.
# --------------------------------------------------------------------------
VENV_STAMP="$VENV_DIR/.crm_showroom-stamp"

# The requirements the virtualenv must hold (with the Odoo tree and the Python it
# was built for): its stamp, written when pip installed them all.
venv_wanted_stamp() {
    { cat "$ODOO_PATH/requirements.txt" "$REPO_DIR/requirements-dev.txt";
      echo "$ODOO_PATH"; python3 --version; } | sha256sum | cut -c1-16
}

venv_up_to_date() {
    [ -f "$VENV_STAMP" ] && [ "$(cat "$VENV_STAMP")" = "$(venv_wanted_stamp)" ]
}

# True when the virtualenv exists, runs the same Python version (major.minor) as
# python3, and its odoo is this Odoo tree (installed editable): then it can be
# updated in place.
venv_reusable() {
    local venv_py host_py odoo_dir
    [ -x "$VENV_DIR/bin/python" ] || return 1
    host_py=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])') || return 1
    venv_py=$("$VENV_DIR/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || return 1
    [ "$venv_py" = "$host_py" ] || return 1
    odoo_dir=$("$VENV_DIR/bin/python" -c 'import importlib.util as u, os; s = u.find_spec("odoo"); print(os.path.dirname(os.path.dirname(s.origin)) if s and s.origin else "")' 2>/dev/null) || return 1
    [ -n "$odoo_dir" ] && [ "$(cd "$odoo_dir" && pwd -P)" = "$(cd "$ODOO_PATH" && pwd -P)" ]
}

setup_venv() {
    venv_up_to_date && return 0
    # Several runs (worktrees, CI jobs) may share the virtualenv: one pip at a time.
    mkdir -p "$(dirname "$VENV_DIR")"
    local lock_fd
    exec {lock_fd}>"$VENV_DIR.lock"
    if command -v flock >/dev/null && ! flock -n "$lock_fd"; then
        say "Waiting for another run to finish setting up $VENV_DIR"
        flock "$lock_fd"
    fi
    if ! venv_up_to_date; then
        PIP_LOG="$LOCAL_DIR/pip.log"
        mkdir -p "$LOCAL_DIR"
        : > "$PIP_LOG"
        if venv_reusable; then
            say "Updating the virtualenv $VENV_DIR to the requirement files (pip's output goes to $PIP_LOG)"
            pip_install_requirements
        else
            say "Creating the virtualenv in $VENV_DIR (first use: a few minutes; pip's output goes to $PIP_LOG)"
            rm -rf "$VENV_DIR"
            python3 -m venv "$VENV_DIR"
            pip_logged install --upgrade pip wheel "setuptools<81"
            pip_install_requirements
            pip_logged install --no-deps -e "$ODOO_PATH"
        fi
        venv_wanted_stamp > "$VENV_STAMP"
    fi
    exec {lock_fd}>&-
}

# Odoo's requirements and ours; pip leaves alone what is installed at the pinned
# version already (a requirement dropped from a file stays installed).
pip_install_requirements() {
    local reqs="$VENV_DIR/odoo-requirements.txt"
    # cbor2 5.4.2 (Odoo's pin for Python < 3.12) no longer builds with current
    # setuptools; 5.4.6 is the same API.
    sed -E 's/^cbor2==5\.4\.2/cbor2==5.4.6/' "$ODOO_PATH/requirements.txt" > "$reqs"
    pip_logged install -r "$reqs" -r "$REPO_DIR/requirements-dev.txt"
}

# Runs the virtualenv's pip with its (noisy) output appended to $PIP_LOG; shows
# the end of that log only when pip fails.
pip_logged() {
    echo "+ pip $*" >> "$PIP_LOG"
    if ! "$VENV_DIR/bin/pip" "$@" >> "$PIP_LOG" 2>&1; then
        tail -n 40 "$PIP_LOG" >&2
        die "pip $* failed (last lines above; full output in $PIP_LOG)."
    fi
}

# --------------------------------------------------------------------------
# PostgreSQL: the server named by PG* variables, else a private cluster
# --------------------------------------------------------------------------
pg_bindir() {
    if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
    else
        find /usr/lib/postgresql -maxdepth 3 -name initdb -path '*/bin/*' 2>/dev/null \
            | sort -V | tail -n1 | xargs -r dirname
    fi
}

# Runs a command as the cluster's owner: PostgreSQL refuses to run as root.
as_pg_owner() {
    if [ "$(id -u)" = 0 ]; then
        # From /: the current folder may be one the owner cannot enter.
        (cd / && runuser -u "$PG_OS_USER" -- "$@")
    else
        "$@"
    fi
}

setup_postgres() {
    if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]; then
        say "Using the PostgreSQL server named by PG* variables (${PGHOST:-local socket}:${PGPORT:-5432})"
        DB_ARGS=(--db_host="${PGHOST:-}" --db_port="${PGPORT:-5432}" --db_user="${PGUSER:-$USER}")
        if [ -n "${PGPASSWORD:-}" ]; then DB_ARGS+=(--db_password="$PGPASSWORD"); fi
        PRIVATE_CLUSTER=0
        return 0
    fi
    local repo_hash
    PG_BINDIR=$(pg_bindir)
    [ -n "$PG_BINDIR" ] || die "PostgreSQL server binaries (initdb, pg_ctl) were not found: install PostgreSQL (Debian: apt-get install postgresql) or set PGHOST/PGPORT/PGUSER to a running server."
    repo_hash=$(printf '%s' "$REPO_DIR" | sha256sum | cut -c1-10)
    # A short socket path: Unix socket paths are limited to ~107 bytes.
    PG_SOCKET="/tmp/crm_showroom-$repo_hash"
    PG_DIR="$LOCAL_DIR"
    PG_OS_USER="$(id -un)"
    mkdir -p "$LOCAL_DIR"
    if [ "$(id -u)" = 0 ]; then
        PG_OS_USER=postgres
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        # The server runs as postgres, which cannot reach a checkout inside a private
        # folder (e.g. /root, mode 0700): then the cluster lives outside it.
        if ! runuser -u postgres -- test -x "$LOCAL_DIR"; then
            PG_DIR="/var/lib/crm_showroom/$repo_hash"
            mkdir -p "$PG_DIR"
            chmod 755 /var/lib/crm_showroom "$PG_DIR"
            [ -f "$PG_DIR/pgdata/PG_VERSION" ] \
                || say "The OS user postgres cannot reach $LOCAL_DIR: the private cluster goes to $PG_DIR"
        fi
    fi
    PRIVATE_CLUSTER=1
    pg_cluster_start "$PG_DIR/pgdata" "$PG_SOCKET" "$PG_DIR/postgresql.log"
    use_cluster "$PG_SOCKET"
}

# use_cluster SOCKET: the private cluster listening on SOCKET is the one the PG*
# variables (psql, createdb…, tests/) and odoo-bin's arguments (DB_ARGS) name.
use_cluster() {
    export PGHOST="$1" PGUSER="$PG_USER" PGDATABASE=postgres
    DB_ARGS=(--db_host="$1" --db_user="$PG_USER")
}

# pg_cluster_start DATA SOCKET LOG [ENV…]: a private cluster in DATA (made on first
# use), listening only on the Unix socket in SOCKET, started unless it runs already;
# ENV (VAR=value…) is the server's environment on top of ours (a test clock).
pg_cluster_start() {
    local data=$1 socket=$2 log=$3
    shift 3
    mkdir -p "$socket"
    if [ "$(id -u)" = 0 ]; then chown "$PG_OS_USER" "$socket"; fi
    if [ ! -f "$data/PG_VERSION" ]; then
        say "Creating a private PostgreSQL cluster in $data"
        mkdir -p "$data"
        [ "$(id -u)" = 0 ] && chown "$PG_OS_USER" "$data"
        as_pg_owner "$PG_BINDIR/initdb" -D "$data" -U "$PG_USER" --auth=trust \
            --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if [ "$(id -u)" = 0 ]; then touch "$log" && chown "$PG_OS_USER" "$log"; fi
    if ! as_pg_owner "$PG_BINDIR/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        as_pg_owner env "$@" "$PG_BINDIR/pg_ctl" -D "$data" -l "$log" -w -t 60 \
            -o "-c listen_addresses='' -c unix_socket_directories='$socket' -c fsync=off -c max_connections=200" \
            start >/dev/null || die "PostgreSQL did not start; see $log"
    fi
}

pg_cluster_stop() {
    if as_pg_owner "$PG_BINDIR/pg_ctl" -D "$1" status >/dev/null 2>&1; then
        as_pg_owner "$PG_BINDIR/pg_ctl" -D "$1" -w -t 60 -m fast stop >/dev/null
    fi
}

# --------------------------------------------------------------------------
# Test clocks (DESIGN.md, Conventions: Time). A rule that depends on the hour fails a
# third of the day, so scripts/test runs its steps at set hours of the wall clock:
# Odoo and PostgreSQL both under libfaketime, shifted by the same offset (then time
# runs on as usual), so that Odoo's now() and the database's now() agree.
# --------------------------------------------------------------------------
faketime_lib() {
    find /usr/lib -path '*/faketime/libfaketime.so.1' 2>/dev/null | head -n1
}

# clock_offset WHEN: the seconds from now to WHEN (UTC, anything `date -d` reads:
# "today 18:30", "yesterday 03:00").
clock_offset() {
    echo $(( $(date -u -d "$1" +%s) - $(date -u +%s) ))
}

# last_utc HH:MM: the latest moment at HH:MM UTC that is not in the future ("today
# HH:MM" or "yesterday HH:MM"). The test clocks only go back: under libfaketime 0.9.10
# a PostgreSQL server whose clock is ahead of the real one never fires its timers
# (`lock_timeout`, `statement_timeout`: a lock wait then hangs for good), one whose
# clock is behind does.
last_utc() {
    if [ "$(date -u -d "today $1" +%s)" -le "$(date -u +%s)" ]; then
        echo "today $1"
    else
        echo "yesterday $1"
    fi
}

# The environment of every Python process of scripts/test: scripts/testenv's
# sitecustomize (a time.sleep that works under libfaketime 0.9.10; on CPython 3.11
# before 3.11.8, one thread at a time builds ASTs): see the file.
TESTENV_PYTHONPATH="PYTHONPATH=$REPO_DIR/scripts/testenv${PYTHONPATH:+:$PYTHONPATH}"

# clock_env OFFSET: sets CLOCK_ENV to the environment (VAR=value…) of a process of
# scripts/test on the clock shifted by OFFSET seconds. The monotonic clock stays true
# (faked, Python's timed waits hang); scripts/testenv gives Python a time.sleep that
# works under libfaketime 0.9.10, and the tours' Chromium a fully faked clock (on the
# mix it spins): see the files there.
clock_env() {
    local lib
    lib=$(faketime_lib)
    [ -n "$lib" ] || die "libfaketime was not found (Debian: apt-get install faketime)."
    CLOCK_ENV=(LD_PRELOAD="$lib" FAKETIME="$(printf '%+ds' "$1")" FAKETIME_DONT_FAKE_MONOTONIC=1
        PATH="$REPO_DIR/scripts/testenv/bin:$PATH" "$TESTENV_PYTHONPATH")
}

# test_cluster_at OFFSET: the private cluster of scripts/test (its own data folder and
# socket beside the cluster of scripts/run, which stays on the real clock) (re)started
# on the clock shifted by OFFSET seconds, and named by the PG* variables and DB_ARGS.
test_cluster_at() {
    local data="$PG_DIR/pgdata-test" socket="$PG_SOCKET-test"
    clock_env "$1"
    pg_cluster_stop "$data"
    pg_cluster_start "$data" "$socket" "$PG_DIR/postgresql-test.log" "${CLOCK_ENV[@]}"
    use_cluster "$socket"
}

test_cluster_stop() {
    pg_cluster_stop "$PG_DIR/pgdata-test"
}

# --------------------------------------------------------------------------
# Odoo
# --------------------------------------------------------------------------
ODOO_DATA_DIR="$LOCAL_DIR/odoo-data"

# Sets ODOO_CMD to the odoo-bin command line with our addons path, data dir and
# database arguments, followed by ARGS (for callers that want to exec it). A first
# argument that is not an option is an odoo-bin command (shell, db, …): it goes right
# after --addons-path, which odoo-bin reads first to look for commands in addons.
# tests/odoo_runner.py builds the same command from the variables setup_all exports.
odoo_cmd() {
    local command=()
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
        command=("$1")
        shift
    fi
    ODOO_CMD=("$VENV_DIR/bin/python" "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" "${command[@]}"
              --data-dir="$ODOO_DATA_DIR" "${DB_ARGS[@]}" "$@")
}

odoo_bin() {
    odoo_cmd "$@"
    "${ODOO_CMD[@]}"
}

# --------------------------------------------------------------------------
# pytest-odoo: Odoo test files run by pytest inside one Odoo process, against a
# database where the modules are installed already (no install, no test run at
# module loading). Used by scripts/pytest-odoo and by scripts/test (Odoo's crm and
# sale_crm suites).
# --------------------------------------------------------------------------
PYTEST_ODOO_DIR="$LOCAL_DIR/pytest-odoo"

# pytest_odoo DB [PYTEST ARGS…]: runs pytest with the pytest-odoo plugin on database
# DB, with Odoo's HTTP server (HttpCase, tours) on a free port. It runs in
# $PYTEST_ODOO_DIR, outside any addons folder (there, an addon such as `calendar`
# would shadow the standard library's module), with scripts/pytest-odoo.ini (not
# tests/pytest.ini, which disables the plugin) and the Odoo configuration file
# written here ($PYTEST_ODOO_DIR/odoo.conf: our addons path, data dir, database
# server). Relative paths in ARGS are taken from the caller's directory. The rootdir
# (test ids are relative to it) is the repository; ARGS may give another --rootdir.
pytest_odoo() {
    pytest_odoo_cmd "$@"
    (cd "$PYTEST_ODOO_DIR" && "${PYTEST_ODOO_CMD[@]}")
}

# pytest_odoo_cmd DB [PYTEST ARGS…]: writes odoo.conf and sets PYTEST_ODOO_CMD to the
# command pytest_odoo runs in $PYTEST_ODOO_DIR (for callers that wrap it).
pytest_odoo_cmd() {
    local db=$1 arg path args=()
    shift
    mkdir -p "$PYTEST_ODOO_DIR"
    write_odoo_conf "$PYTEST_ODOO_DIR/odoo.conf"
    for arg in "$@"; do
        path=${arg%%::*}                      # a node id: path::Class::test
        if [ "${arg#-}" = "$arg" ] && [ -e "$path" ]; then
            arg="$(cd "$(dirname "$path")" && pwd)/$(basename "$path")${arg#"$path"}"
        fi
        args+=("$arg")
    done
    PYTEST_ODOO_CMD=(env PYTEST_ODOO_DIR="$PYTEST_ODOO_DIR"  # the ini's cache_dir
        "$VENV_DIR/bin/pytest" -c "$REPO_DIR/scripts/pytest-odoo.ini" --rootdir="$REPO_DIR"
        -p odoo --odoo-config="$PYTEST_ODOO_DIR/odoo.conf" --odoo-database="$db" --odoo-http
        "${args[@]}")
}

# write_odoo_conf FILE: an Odoo configuration file with the arguments of odoo_cmd
# (addons path, data dir, database server; readable only by us: it may hold
# PGPASSWORD), no cron thread, HTTP on 127.0.0.1 only.
write_odoo_conf() {
    local arg
    (
        umask 077
        {
            echo "[options]"
            echo "addons_path = $ADDONS_PATH"
            echo "data_dir = $ODOO_DATA_DIR"
            for arg in "${DB_ARGS[@]}"; do    # --db_host=/tmp/… → db_host = /tmp/…
                arg=${arg#--}
                echo "${arg%%=*} = ${arg#*=}"
            done
            echo "http_interface = 127.0.0.1"
            echo "max_cron_threads = 0"
        } > "$1"
    )
}

# --------------------------------------------------------------------------
# Databases (through the PostgreSQL client tools)
# --------------------------------------------------------------------------
pg_tool() {
    local bindir
    bindir=$(pg_bindir)
    if [ -n "$bindir" ] && [ -x "$bindir/$1" ]; then
        echo "$bindir/$1"
    elif command -v "$1" >/dev/null; then
        command -v "$1"
    else
        die "The PostgreSQL client tool $1 was not found (Debian: apt-get install postgresql-client)."
    fi
}

# psql_value DB SQL: the first column of the first row, or nothing on any error
# (missing database or table). SQL may use :'arg' for $3 (quoted safely).
psql_value() {
    printf '%s\n' "$2" | "$(pg_tool psql)" -XAtq -v ON_ERROR_STOP=1 -v arg="${3:-}" \
        -d "$1" 2>/dev/null | head -n1 || true
}

db_exists() {
    [ "$(psql_value postgres "SELECT 1 FROM pg_database WHERE datname = :'arg'" "$1")" = 1 ]
}

# The state of module $2 in database $1 ("installed", "uninstalled", …), or nothing.
module_state() {
    psql_value "$1" "SELECT state FROM ir_module_module WHERE name = :'arg'" "$2"
}

# copy_db SRC DST: database DST as a copy of SRC (CREATE DATABASE … TEMPLATE: SRC
# must have no open connection), with a copy of its Odoo filestore.
copy_db() {
    "$(pg_tool createdb)" -T "$1" "$2" || return 1
    if [ -d "$ODOO_DATA_DIR/filestore/$1" ]; then
        mkdir -p "$ODOO_DATA_DIR/filestore"
        cp -a "$ODOO_DATA_DIR/filestore/$1" "$ODOO_DATA_DIR/filestore/$2"
    fi
}

# Drops database $1 (even with open connections) and its Odoo filestore.
drop_db() {
    local dropdb
    dropdb=$(pg_tool dropdb)
    "$dropdb" --if-exists --force "$1" 2>/dev/null || "$dropdb" --if-exists "$1" || true
    rm -rf "${ODOO_DATA_DIR:?}/filestore/$1"
}

# setup_all [tests]: the Odoo tree, the system packages (with "tests": those of
# the tests too), the virtualenv and PostgreSQL.
# shellcheck disable=SC2120  # the argument is optional
setup_all() {
    find_odoo
    setup_system_packages "${1:-}"
    setup_venv
    setup_postgres
    export PATH="$VENV_DIR/bin:$PATH"
    # For tests/ (pytest), which runs odoo-bin itself with the same arguments.
    export CRM_SHOWROOM_VENV="$VENV_DIR" CRM_SHOWROOM_ADDONS_PATH="$ADDONS_PATH" \
        CRM_SHOWROOM_DATA_DIR="$ODOO_DATA_DIR"
}
