#!/usr/bin/env bash
# Compares `bkops logs` with `aws logs tail` (the AWS CLI's own command, here the CLI v1 with
# PyPI's awscli-plugin-logs-tail, a port of the CLI v2 command) and with awslogs (a well-known
# Python tailer) on the same 100,000 events, served by the local AWS API server (moto). Reports each client's CPU seconds (user + system,
# from getrusage) and wall time to its last line, and their ratios. One run; run it on an idle
# machine. Needs a release build: `cargo build --release`.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
bkops="$target/release/bkops"
[ -x "$bkops" ] || { echo "build bkops first: cargo build --release" >&2; exit 1; }

moto_server="$(bash tests/aws/setup-moto.sh)"
py="$(dirname "$moto_server")/python"
awslogs_venv="${XDG_CACHE_HOME:-$HOME/.cache}/bkops-awslogs-venv"
if [ ! -x "$awslogs_venv/bin/awslogs" ]; then
  python3 -m venv "$awslogs_venv" >&2
  "$awslogs_venv/bin/pip" install --quiet --disable-pip-version-check 'awslogs==0.15.0' >&2
fi
awscli_venv="${XDG_CACHE_HOME:-$HOME/.cache}/bkops-awscli-venv"
if [ ! -x "$awscli_venv/bin/aws" ]; then
  python3 -m venv "$awscli_venv" >&2
  "$awscli_venv/bin/pip" install --quiet --disable-pip-version-check 'awscli-plugin-logs-tail==0.2' >&2
fi

log="$(mktemp)"
"$moto_server" -H 127.0.0.1 -p 0 > /dev/null 2> "$log" &
moto_pid=$!
aws_config="$(mktemp)"
printf '[plugins]\nlogs-tail = awscli_plugin_logs_tail\n' > "$aws_config"
trap 'kill $moto_pid 2>/dev/null || true; rm -f "$log" "$aws_config"' EXIT
for _ in $(seq 100); do grep -q 'Running on' "$log" && break; sleep 0.1; done
port="$(grep -o '127.0.0.1:[0-9]*' "$log" | head -1 | cut -d: -f2)"
endpoint="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true

events=100000
instance=i-0be4c4be4c4be4c4b
"$py" - "$endpoint" "$instance" "$events" <<'PY'
import sys, time, boto3
endpoint, stream, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
logs = boto3.client("logs", endpoint_url=endpoint, region_name="us-east-1")
group = "/buildkite/elastic-stack"
logs.create_log_group(logGroupName=group)
logs.create_log_stream(logGroupName=group, logStreamName=stream)
start = int(time.time() * 1000) - 50 * 60 * 1000
for base in range(0, n, 10000):
    batch = [{"timestamp": start + (base + i) * 25, "message": f"line {base + i} Disk space free: {100 + i % 50}G"} for i in range(min(10000, n - base))]
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)
PY

# Runs a command, counting its output lines, and prints CPU seconds and wall seconds.
measure() {
  "$py" - "$@" <<'PY'
import resource, subprocess, sys, time
t0 = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
lines = sum(1 for _ in p.stdout)
p.wait()
wall = time.monotonic() - t0
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{r.ru_utime + r.ru_stime:.3f} {wall:.3f} {lines}")
PY
}

read -r b_cpu b_wall b_lines < <(measure "$bkops" logs "$instance" --group elastic-stack --since 1h --no-color \
  --region us-east-1 --endpoint-url "$endpoint")
read -r a_cpu a_wall a_lines < <(measure "$awslogs_venv/bin/awslogs" get /buildkite/elastic-stack "$instance" \
  -s 1h --aws-region us-east-1 --aws-endpoint-url "$endpoint")
read -r t_cpu t_wall t_lines < <(AWS_CONFIG_FILE="$aws_config" measure "$awscli_venv/bin/aws" logs tail \
  /buildkite/elastic-stack --prefix "$instance" --since 1h --color off \
  --region us-east-1 --endpoint-url "$endpoint")

echo "events served:          $events"
echo "bkops logs:             $b_lines lines, ${b_cpu} CPU s, ${b_wall} s wall"
echo "aws logs tail:          $t_lines lines, ${t_cpu} CPU s, ${t_wall} s wall"
echo "awslogs get:            $a_lines lines, ${a_cpu} CPU s, ${a_wall} s wall"
"$py" -c "print(f'aws logs tail / bkops:  {float($t_cpu)/max(float($b_cpu),1e-3):.1f}x the CPU, {float($t_wall)/max(float($b_wall),1e-3):.1f}x the wall time')"
"$py" -c "print(f'awslogs / bkops:        {float($a_cpu)/max(float($b_cpu),1e-3):.1f}x the CPU, {float($a_wall)/max(float($b_wall),1e-3):.1f}x the wall time')"
[ "$b_lines" = "$events" ] && [ "$a_lines" = "$events" ] && [ "$t_lines" = "$events" ] || { echo "a client did not print every event" >&2; exit 1; }
