#!/usr/bin/env bash
# A single-node KRaft Kafka broker for development and tests, run from jars that Maven
# materialises (no Docker, no tarball).
#
#   kafka.sh fetch    copy the broker jars into deploy/kafka/libs (mvn; cached in ~/.m2)
#   kafka.sh start    fetch if needed, format storage once, start in the background, wait until
#                     "Kafka Server started" (bounded), fail with the log tail otherwise
#   kafka.sh stop     stop the broker this script started and wait for it to exit
#   kafka.sh status   exit 0 when a broker answers on the client port, 3 otherwise
#   kafka.sh acquire <id>   for test harnesses: register lease <id> (a live pid) and start a fresh
#                     broker (empty data) when none answers; reuse one that does
#   kafka.sh release <id>   drop lease <id> and leases of dead processes; stop the broker when no
#                     lease is left and a lease started it (a broker started by `start` or by
#                     someone else is never stopped here)
#
# Every command is idempotent and serialised by a lock file in the run directory, so several
# test runs and helpers may call it at once.
#
# Environment (all optional):
#   PERISCOPE_KAFKA_RUN_DIR          data, log and pid file (default deploy/kafka/run)
#   PERISCOPE_KAFKA_PORT             client port on 127.0.0.1 (default 39092)
#   PERISCOPE_KAFKA_CONTROLLER_PORT  KRaft controller port (default 39093)
#   PERISCOPE_KAFKA_HEAP             JVM max heap (default 512m)
#   PERISCOPE_KAFKA_START_TIMEOUT_S  how long start waits for the broker (default 90)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LIBS="$HERE/libs"
RUN_DIR="${PERISCOPE_KAFKA_RUN_DIR:-$HERE/run}"
PORT="${PERISCOPE_KAFKA_PORT:-39092}"
CONTROLLER_PORT="${PERISCOPE_KAFKA_CONTROLLER_PORT:-39093}"
HEAP="${PERISCOPE_KAFKA_HEAP:-512m}"
START_TIMEOUT_S="${PERISCOPE_KAFKA_START_TIMEOUT_S:-90}"
# a fixed cluster id (base64 of 16 bytes) so a run directory can be formatted without a JVM round trip
CLUSTER_ID="cGVyaXNjb3BlLWRldi1rYQ"
PID_FILE="$RUN_DIR/kafka.pid"
LOG_FILE="$RUN_DIR/kafka.log"
CONFIG="$RUN_DIR/server.properties"

log() { echo "kafka.sh: $*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

# the pid in the pid file, when that process is alive and is our broker (pids get reused)
broker_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

fetch() {
  if [[ -f "$LIBS/kafka_2.13-3.9.1.jar" && -f "$LIBS/slf4j-reload4j-1.7.36.jar" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || { log "mvn is not installed; it is needed once to fetch the broker jars"; exit 1; }
  log "fetching broker jars into $LIBS"
  (cd "$HERE" && mvn -B -q dependency:copy-dependencies)
}

JAVA_OPTS=(-Xmx"$HEAP" -Xms128m -XX:+UseG1GC -Djava.awt.headless=true
  -Dlog4j.configuration="file:$HERE/log4j.properties" -cp "$LIBS/*")

start() {
  if pid="$(broker_pid)"; then
    log "already running (pid $pid) on 127.0.0.1:$PORT"
    return 0
  fi
  if port_open; then
    log "a broker not started by kafka.sh is already listening on 127.0.0.1:$PORT; leaving it alone"
    return 0
  fi
  fetch
  command -v java >/dev/null || { log "java is not installed"; exit 1; }
  mkdir -p "$RUN_DIR/data"
  sed -e "s/127\.0\.0\.1:39092/127.0.0.1:$PORT/g" -e "s/127\.0\.0\.1:39093/127.0.0.1:$CONTROLLER_PORT/g" \
    "$HERE/server.properties" >"$CONFIG"
  echo "log.dirs=$RUN_DIR/data" >>"$CONFIG"
  if [[ ! -f "$RUN_DIR/data/meta.properties" ]]; then
    java "${JAVA_OPTS[@]}" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$CONFIG" --ignore-formatted >"$RUN_DIR/format.log" 2>&1 || {
      log "formatting storage failed:"; tail -n 30 "$RUN_DIR/format.log" >&2; exit 1; }
  fi
  [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
  # setsid: the broker outlives the shell that started it and is not hit by its terminal's signals
  setsid nohup java "${JAVA_OPTS[@]}" kafka.Kafka "$CONFIG" >"$LOG_FILE" 2>&1 </dev/null 9>&- &
  local pid=$!
  echo "$pid" >"$PID_FILE"
  local deadline=$((SECONDS + START_TIMEOUT_S))
  while ((SECONDS < deadline)); do
    if grep -q 'Kafka Server started' "$LOG_FILE" 2>/dev/null; then
      log "started (pid $pid) on 127.0.0.1:$PORT"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      log "the broker exited during start-up; last lines of $LOG_FILE:"
      tail -n 40 "$LOG_FILE" >&2
      rm -f "$PID_FILE"
      exit 1
    fi
    sleep 0.25
  done
  log "the broker did not start within ${START_TIMEOUT_S}s; last lines of $LOG_FILE:"
  tail -n 40 "$LOG_FILE" >&2
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
  exit 1
}

stop() {
  local pid
  if ! pid="$(broker_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "the broker did not stop within 30s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

status() {
  if port_open; then
    if pid="$(broker_pid)"; then log "running (pid $pid) on 127.0.0.1:$PORT"; else log "a broker is listening on 127.0.0.1:$PORT (not started by kafka.sh)"; fi
    return 0
  fi
  log "not running"
  return 3
}

LEASES="$RUN_DIR/leases"
STARTED_BY_LEASE="$RUN_DIR/started-by-lease"

acquire() {
  local id="$1"
  mkdir -p "$LEASES"
  echo "$id" >"$LEASES/$id"
  if port_open; then
    return 0
  fi
  # a broker for tests starts empty: topics of earlier runs would only slow it down
  rm -rf "$RUN_DIR/data"
  start
  touch "$STARTED_BY_LEASE"
}

release() {
  local id="$1" lease pid
  rm -f "$LEASES/$id"
  for lease in "$LEASES"/*; do
    [[ -e "$lease" ]] || continue
    pid="$(basename "$lease")"
    kill -0 "$pid" 2>/dev/null || rm -f "$lease"
  done
  if [[ -f "$STARTED_BY_LEASE" ]] && [[ -z "$(ls -A "$LEASES" 2>/dev/null)" ]]; then
    stop
    rm -f "$STARTED_BY_LEASE"
  fi
}

cmd="${1:-}"
case "$cmd" in
  fetch | start | stop | status) ;;
  acquire | release)
    [[ "${2:-}" =~ ^[0-9]+$ ]] || { echo "usage: $0 $cmd <pid>" >&2; exit 2; } ;;
  *) echo "usage: $0 fetch|start|stop|status|acquire <pid>|release <pid>" >&2; exit 2 ;;
esac
mkdir -p "$RUN_DIR"
exec 9>"$RUN_DIR/kafka.sh.lock"
flock 9
"$cmd" "${@:2}"
