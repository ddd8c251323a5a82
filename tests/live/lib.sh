# lib.sh - helpers for the live tests (sourced): nodes in a temp dir, bounded waits, journal SQL.
# The sourcing script sets KZ (kizuna), ROGUE (kz_rogue), DATA (tests/data) and DOM (DDS domain id).

T=$(mktemp -d "${TMPDIR:-/tmp}/kz-live.XXXXXX")
J=$T/j
PKI=$T/pki # the test's own PKI (make_pki): every node runs --secure "$PKI"
PIDS="" # nodes still running, by pid: only these are killed at the end
FAILED=0

# On exit: kill the nodes this test started and left running, show their logs if it failed.
cleanup() {
    rc=$?
    for p in $PIDS; do
        kill -KILL "$p" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    if [ "$rc" -ne 0 ] || [ "$FAILED" -ne 0 ]; then
        for f in "$T"/*.log; do
            [ -f "$f" ] || continue
            echo "---- $f (last 20 lines)"
            tail -n 20 "$f"
        done
        [ ! -d "$J" ] || timeout 20 "$KZ" journal "$J" --audit || true
    fi
    if [ -z "${KZ_KEEP:-}" ]; then
        rm -rf "$T"
    else
        echo "kept $T"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
    FAILED=1
    echo "FAIL: $*" >&2
    exit 1
}

say() { echo "[$(date +%T.%N | cut -c1-12)] $*"; }

var_of() { echo "PID_$1" | tr -c 'a-zA-Z0-9_\n' _; }
pid_of() { eval "echo \${$(var_of "$1"):-}"; }
forget() { PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' '); }

# make_pki STRUCTURE: kizuna pki init for the structure into $PKI (once, before any start).
make_pki() {
    out=$("$KZ" pki init --structure "$1" --out "$PKI" 2>&1) || fail "kizuna pki init: $out"
}

# start NAME STRUCTURE SECONDS: runs node NAME (--auto, --secure $PKI) for at most SECONDS,
# logging to T/NAME.log. Under DDS Security a node's first samples wait for its handshakes
# with the others (well under a second per pair here); the waits below allow for that.
start() {
    [ -f "$PKI/identity_ca.pem" ] || fail "start $1: no PKI (call make_pki STRUCTURE first)"
    "$KZ" node --structure "$2" --as "$1" --journal "$J" --auto --domain "$DOM" --for "$3" \
        --secure "$PKI" >>"$T/$1.log" 2>&1 &
    eval "$(var_of "$1")=$!"
    PIDS="$PIDS $!"
}

# stop NAME: SIGTERM; the node must exit 0 within 20 s (so sanitizer reports fail the test).
stop() {
    p=$(pid_of "$1")
    kill -TERM "$p" 2>/dev/null || true
    n=0
    while kill -0 "$p" 2>/dev/null; do
        n=$((n + 1))
        [ "$n" -le 200 ] || fail "node $1 did not stop within 20 s"
        sleep 0.1
    done
    forget "$p"
    st=0
    wait "$p" || st=$?
    [ "$st" -eq 0 ] || fail "node $1 exited with status $st"
}

# crash NAME: SIGKILL, as a power cut would (the journal keeps what was committed).
crash() {
    p=$(pid_of "$1")
    kill -KILL "$p"
    forget "$p"
    wait "$p" 2>/dev/null || true
}

# q NAME SQL: the query's result on NAME's journal (the node may be writing: wait for its lock).
q() {
    sqlite3 -batch -noheader -readonly -cmd '.timeout 10000' "$J/$1.db" "$2"
}

# is NAME SQL VALUE WHAT: the query gives VALUE, else the test fails naming WHAT and the result.
is() {
    got=$(q "$1" "$2") || got="(query failed)"
    [ "$got" = "$3" ] || fail "$4: expected $3, got '$got' from $1: $2"
}

# until_ok SECONDS WHAT COMMAND...: runs COMMAND every 0.1 s until it succeeds; fails after SECONDS.
until_ok() {
    secs=$1 what=$2
    shift 2
    n=0
    while ! "$@" >/dev/null 2>&1; do
        n=$((n + 1))
        [ "$n" -le $((secs * 10)) ] || fail "timed out after ${secs}s waiting for: $what"
        sleep 0.1
    done
}

# eq NAME SQL VALUE / ge NAME SQL VALUE: the query gives VALUE / at least VALUE (for until_ok).
eq() { [ "$(q "$1" "$2")" = "$3" ]; }
ge() { [ "$(q "$1" "$2")" -ge "$3" ]; }

# started NAME [COUNT]: NAME's journal has COUNT 'started' events (default 1).
started() { eq "$1" "SELECT count(*) FROM event WHERE what='started'" "${2:-1}"; }

# send ARGS...: kizuna send --journal J ARGS (the node's journal must exist: start it first);
# fails unless the node accepts the command within 30 s (a step of a loaded node under the
# sanitizers can take longer than send's default wait).
send() { timeout 40 "$KZ" send --journal "$J" --wait 30 "$@" >/dev/null; }

# audit_line: the summary line of kizuna journal --audit; fails when kizuna does (missing or
# duplicated samples, exit 1).
audit_line() {
    out=$(timeout 30 "$KZ" journal "$J" --audit) || {
        echo "$out" | tail -n 1
        return 1
    }
    echo "$out" | tail -n 1
}

# audit_is TAIL: kizuna's audit succeeds and its summary ends with TAIL.
audit_is() {
    a=$(audit_line) || return 1
    case $a in *"$1") return 0 ;; esac
    return 1
}

# audit_clean: nothing missing, duplicated, unknown or unacknowledged.
audit_clean() {
    audit_is " 0 missing, 0 duplicated, 0 received but sent by no journal here, 0 unacknowledged"
}
