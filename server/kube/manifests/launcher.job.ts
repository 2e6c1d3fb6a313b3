import 'server-only';
// The shell scripts job pods run. One fixed launcher wraps the user's command (passed as "$1", never spliced
// into the script, so no quoting bugs); everything job-specific arrives in HM_* environment variables set by
// the manifest. Written for POSIX sh so it runs in any image (bash is used for the user's command when the
// image has it, as Azure ML runs commands with bash).
//
// Distribution wiring, as Azure ML does it:
// - pytorch: MASTER_ADDR/MASTER_PORT/WORLD_SIZE/NODE_RANK come from the manifest; with
//   process_count_per_instance = N > 1 the launcher starts N copies of the command per instance, each with
//   RANK = NODE_RANK * N + LOCAL_RANK and LOCAL_RANK = 0..N-1. torchrun users keep N = 1 and read the
//   PET_* variables (PET_NNODES, PET_NODE_RANK, PET_MASTER_ADDR, …), which torchrun takes as its defaults.
// - tensorflow: TF_CONFIG per task. worker_count workers then parameter_server_count servers are spread over
//   the instances round robin (task t on instance t mod N, port 2222 + ⌊t / N⌋), so worker_count may differ
//   from instance_count as in Azure ML; an instance runs its tasks side by side, ends with its workers (its
//   parameter servers are stopped then), and an instance with only parameter servers runs until the Job's
//   success policy (the instances that hold workers succeeded) ends it.
// - mpi (OpenMPI): a single instance runs `mpirun -np N` locally. Several instances use the hostfile
//   approach: every pod starts sshd on HM_MPI_SSH_PORT with the job's key pair (a Secret), index 0 waits
//   until every worker answers over ssh, writes a hostfile of the pods' stable DNS names
//   (`<job>-<i>.<service>`, slots = process_count_per_instance) and runs mpirun over it; workers serve
//   ssh until the launcher marks them done (or the Job's success policy ends them). The image needs
//   mpirun and sshd (Azure ML's MPI images have both).

export const LAUNCHER_SCRIPT = String.raw`set -eu
hm_shell=sh
if command -v bash >/dev/null 2>&1; then hm_shell=bash; fi

# A proxy that re-signs TLS: trust its CA in addition to the image's bundle (replacing the bundle would
# break every other HTTPS call).
if [ -n "${'${HM_PROXY_CA:-}'}" ] && [ -f "$HM_PROXY_CA" ]; then
  hm_bundle=/tmp/harbormaster-ca-bundle.pem
  : > "$hm_bundle"
  for f in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/cert.pem; do
    if [ -f "$f" ]; then cat "$f" >> "$hm_bundle"; break; fi
  done
  cat "$HM_PROXY_CA" >> "$hm_bundle"
  export SSL_CERT_FILE="$hm_bundle" REQUESTS_CA_BUNDLE="$hm_bundle" CURL_CA_BUNDLE="$hm_bundle" PIP_CERT="$hm_bundle" NODE_EXTRA_CA_CERTS="$HM_PROXY_CA"
fi

for d in ${'${HM_OUTPUT_DIRS:-}'}; do mkdir -p "$d"; done

case "${'${HM_DIST:-none}'}" in
pytorch)
  export RANK LOCAL_RANK
  if [ "${'${HM_PROCS:-1}'}" -le 1 ]; then
    RANK="$NODE_RANK"; LOCAL_RANK=0
    exec "$hm_shell" -c "$1"
  fi
  hm_pids=""; i=0
  while [ "$i" -lt "$HM_PROCS" ]; do
    ( RANK=$((NODE_RANK * HM_PROCS + i)); LOCAL_RANK="$i"; exec "$hm_shell" -c "$1" ) &
    hm_pids="$hm_pids $!"; i=$((i + 1))
  done
  hm_status=0
  for p in $hm_pids; do wait "$p" || { c=$?; [ "$hm_status" -ne 0 ] || hm_status=$c; }; done
  exit "$hm_status"
  ;;
tensorflow)
  hm_tasks="${'${HM_TF_TASKS:-$HM_TF_WORKERS}'}"; hm_n="${'${HM_TF_INSTANCES:-1}'}"
  hm_workers=""; hm_servers=""; hm_mine=0; t="$NODE_RANK"
  while [ "$t" -lt "$hm_tasks" ]; do
    if [ "$t" -lt "$HM_TF_WORKERS" ]; then hm_type=worker; hm_index="$t"; else hm_type=ps; hm_index=$((t - HM_TF_WORKERS)); fi
    hm_conf="{\"cluster\":$HM_TF_CLUSTER,\"task\":{\"type\":\"$hm_type\",\"index\":$hm_index}}"
    if [ "$hm_tasks" -le "$hm_n" ]; then export TF_CONFIG="$hm_conf"; exec "$hm_shell" -c "$1"; fi
    ( TF_CONFIG="$hm_conf"; export TF_CONFIG; exec "$hm_shell" -c "$1" ) &
    if [ "$hm_type" = worker ]; then hm_workers="$hm_workers $!"; else hm_servers="$hm_servers $!"; fi
    hm_mine=$((hm_mine + 1)); t=$((t + hm_n))
  done
  [ "$hm_mine" -gt 0 ] || exit 0
  hm_status=0
  if [ -n "$hm_workers" ]; then
    for p in $hm_workers; do wait "$p" || { c=$?; [ "$hm_status" -ne 0 ] || hm_status=$c; }; done
    for p in $hm_servers; do kill "$p" 2>/dev/null || true; done
  else
    for p in $hm_servers; do wait "$p" || { c=$?; [ "$hm_status" -ne 0 ] || hm_status=$c; }; done
  fi
  exit "$hm_status"
  ;;
mpi)
  hm_np=$((HM_NODES * HM_PROCS))
  if [ "$HM_NODES" -le 1 ]; then
    if command -v mpirun >/dev/null 2>&1; then
      exec mpirun --allow-run-as-root -np "$hm_np" "$hm_shell" -c "$1"
    fi
    if [ "$hm_np" -eq 1 ]; then exec "$hm_shell" -c "$1"; fi
    echo "harbormaster: distribution mpi with $hm_np processes needs mpirun (OpenMPI) in the image" >&2
    exit 127
  fi
  hm_sshd=$(command -v sshd || echo /usr/sbin/sshd)
  if [ ! -x "$hm_sshd" ] || ! command -v mpirun >/dev/null 2>&1; then
    echo "harbormaster: multi-node mpi needs mpirun (OpenMPI) and sshd in the image" >&2
    exit 127
  fi
  mkdir -p "$HOME/.ssh" /run/sshd
  chmod 700 "$HOME/.ssh"
  cp "$HM_MPI_SSH_DIR/id_rsa" "$HOME/.ssh/id_rsa"
  cp "$HM_MPI_SSH_DIR/authorized_keys" "$HOME/.ssh/authorized_keys"
  chmod 600 "$HOME/.ssh/id_rsa" "$HOME/.ssh/authorized_keys"
  printf 'Host *\n  Port %s\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n' "$HM_MPI_SSH_PORT" > "$HOME/.ssh/config"
  ssh-keygen -A >/dev/null 2>&1 || true
  "$hm_sshd" -p "$HM_MPI_SSH_PORT" -o PermitRootLogin=prohibit-password -o PasswordAuthentication=no
  if [ "$NODE_RANK" -ne 0 ]; then
    while [ ! -f /tmp/harbormaster-mpi-done ]; do sleep 2; done
    exit 0
  fi
  hm_hostfile=/tmp/harbormaster-hostfile
  : > "$hm_hostfile"
  for h in $HM_MPI_HOSTS; do echo "$h slots=$HM_PROCS" >> "$hm_hostfile"; done
  for h in $HM_MPI_HOSTS; do
    n=0
    until ssh -o ConnectTimeout=5 "$h" true 2>/dev/null; do
      n=$((n + 1))
      if [ "$n" -ge "${'${HM_MPI_WAIT_TRIES:-150}'}" ]; then echo "harbormaster: $h did not answer over ssh" >&2; exit 1; fi
      sleep 2
    done
  done
  hm_fwd=""
  for v in $HM_MPI_FORWARD_ENV; do hm_fwd="$hm_fwd -x $v"; done
  hm_status=0
  # shellcheck disable=SC2086
  mpirun --allow-run-as-root -np "$hm_np" --hostfile "$hm_hostfile" \
    --mca plm_rsh_args "-p $HM_MPI_SSH_PORT -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null" \
    $hm_fwd "$hm_shell" -c "$1" || hm_status=$?
  for h in $HM_MPI_HOSTS; do ssh "$h" touch /tmp/harbormaster-mpi-done 2>/dev/null || true; done
  exit "$hm_status"
  ;;
*)
  exec "$hm_shell" -c "$1"
  ;;
esac
`;

/**
 * Init container script: downloads the job's code snapshot (a gzip tarball) with a job-scoped bearer token
 * read from a Secret, and unpacks it into the code folder. The token goes through a header file, not argv.
 */
export const FETCH_CODE_SCRIPT = String.raw`set -eu
umask 077
printf 'Authorization: Bearer %s\n' "$HM_CODE_TOKEN" > /tmp/auth-header
unset HM_CODE_TOKEN
curl -fsSL --retry 5 --retry-connrefused --retry-delay 2 -H @/tmp/auth-header -o /tmp/code.tar.gz "$HM_CODE_URL"
rm -f /tmp/auth-header
umask 022
tar -xzf /tmp/code.tar.gz -C "$HM_CODE_DIR"
rm -f /tmp/code.tar.gz
`;

/** Init container script: a shallow fetch of one ref (branch, tag or commit) of a public git repository. */
export const FETCH_GIT_SCRIPT = String.raw`set -eu
cd "$HM_CODE_DIR"
git init -q .
git remote add origin "$HM_GIT_URL"
git fetch -q --depth 1 origin "${'${HM_GIT_REF:-HEAD}'}"
git checkout -q FETCH_HEAD
rm -rf .git
`;

/**
 * Init container script: fetches uri_file inputs. HM_FETCH holds lines "<url> <destination>", one per input;
 * an input with a token has HM_TOKEN_<n> set (n = line number, from 1).
 */
export const FETCH_INPUTS_SCRIPT = String.raw`set -eu
n=0
printf '%s\n' "$HM_FETCH" | while read -r url dest; do
  [ -n "$url" ] || continue
  n=$((n + 1))
  mkdir -p "$(dirname "$dest")"
  token=$(eval "printf '%s' \"\${HM_TOKEN_$n:-}\"")
  if [ -n "$token" ]; then
    umask 077; printf 'Authorization: Bearer %s\n' "$token" > /tmp/auth-header; umask 022
    curl -fsSL --retry 5 --retry-connrefused --retry-delay 2 -H @/tmp/auth-header -o "$dest" "$url"
    rm -f /tmp/auth-header
  else
    curl -fsSL --retry 5 --retry-connrefused --retry-delay 2 -o "$dest" "$url"
  fi
  chmod a+r "$dest"
done
`;
