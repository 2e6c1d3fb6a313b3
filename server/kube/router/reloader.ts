import 'server-only';
// The router container's entrypoint: a POSIX sh script (the nginx:*-alpine image has busybox sh, md5sum, sleep)
// that runs nginx as its child and reloads it in place when the configuration, the endpoint keys or the TLS
// certificate change, so endpoint, traffic, key and certificate changes never roll the router pods.
//
// How the files change. The config, keys and TLS directories are ConfigMap/Secret volumes (not subPath mounts,
// which never update). The kubelet rewrites such a volume by writing a new timestamped directory and swapping the
// `..data` symlink atomically (the visible files are symlinks through `..data`), so a reader sees either the old
// or the new set of files, never a mix. It does so on its periodic sync, typically within a minute of the API
// change (sync period plus the kubelet's Secret/ConfigMap cache TTL): that, not this script's poll, is the delay.
//
// What it does. Every ROUTER_POLL_SECONDS (default 1) it fingerprints (md5 of each file, through the symlinks) the
// paths in ROUTER_WATCH (files, or directories: their non-hidden entries, which skips the kubelet's `..` entries).
// On a change it runs `nginx -t` with the same -p/-c and, only if that passes, sends SIGHUP to its nginx master
// — what `nginx -s reload` does, but to the pid it started rather than the pid file named by the *new*
// configuration. nginx then starts new workers on the new configuration and lets the old ones finish their
// requests; no connection is refused. A configuration nginx -t refuses is logged with nginx's reason and the
// old one keeps serving; it is tried again at the next change. (If the master itself fails to apply a tested
// configuration, e.g. a port already in use, nginx logs it and keeps the old workers.)
//
// Signals and exit. SIGTERM and SIGQUIT become SIGQUIT for nginx (graceful: drain for up to
// worker_shutdown_timeout), SIGINT becomes SIGTERM (fast). The script exits with nginx's status when nginx exits,
// so the container ends when nginx does. It writes nothing: pid and temp files are nginx's, in its run directory.
//
// Environment: ROUTER_CONF (nginx.conf, required), ROUTER_WATCH (space-separated paths; default ROUTER_CONF),
// ROUTER_POLL_SECONDS, ROUTER_NGINX (binary, default `nginx`), ROUTER_NGINX_PREFIX (optional nginx -p; tests).

export const ROUTER_RELOADER_SCRIPT = `set -u
log() { echo "router-reloader: $*" >&2; }
conf="\${ROUTER_CONF:?ROUTER_CONF must name nginx.conf}"
watch="\${ROUTER_WATCH:-$conf}"
poll="\${ROUTER_POLL_SECONDS:-1}"
nginx="\${ROUTER_NGINX:-nginx}"
if [ -n "\${ROUTER_NGINX_PREFIX:-}" ]; then
  set -- -p "$ROUTER_NGINX_PREFIX" -c "$conf" -e stderr
else
  set -- -c "$conf" -e stderr
fi

fingerprint() {
  for p in $watch; do
    if [ -d "$p" ]; then
      for f in "$p"/*; do
        if [ -f "$f" ]; then md5sum "$f"; else echo "absent $f"; fi
      done
    elif [ -f "$p" ]; then
      md5sum "$p"
    else
      echo "absent $p"
    fi
  done 2>&1 | md5sum
}

last=$(fingerprint)
"$nginx" "$@" &
pid=$!
stopping=
trap 'stopping=1; kill -QUIT "$pid" 2>/dev/null' TERM QUIT
trap 'stopping=1; kill -TERM "$pid" 2>/dev/null' INT
log "started nginx (pid $pid) with $conf; watching $watch every \${poll}s"

while kill -0 "$pid" 2>/dev/null; do
  # A background sleep and wait, so a signal is handled at once rather than after the sleep.
  sleep "$poll" &
  wait $! 2>/dev/null
  [ -z "$stopping" ] || continue
  now=$(fingerprint)
  [ "$now" != "$last" ] || continue
  last=$now
  if out=$("$nginx" "$@" -t -q 2>&1); then
    if kill -HUP "$pid" 2>/dev/null; then log "configuration changed: nginx reloaded"; fi
  else
    log "configuration changed but nginx -t refused it; still serving the previous configuration: $(echo "$out" | tr '\\n' ' ')"
  fi
done

wait "$pid"
status=$?
log "nginx exited with status $status"
exit "$status"
`;
