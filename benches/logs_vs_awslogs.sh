#!/usr/bin/env bash
# Compares `bkops logs` with `aws logs tail` (the AWS CLI's own command, here the CLI v1 with
# PyPI's awscli-plugin-logs-tail, a port of the CLI v2 command) and with awslogs (a well-known
# Python tailer) on the same EVENTS events (100,000 by default; `EVENTS=300000` for more),
# served by the local AWS API server (moto), and with the server's own serving time (the same
# pages read with no client work). Reports each client's CPU seconds (user + system, from
# getrusage) and wall time to its last line, and their ratios: medians of RUNS runs (3 by
# default). Run it on an idle machine. Needs a release build: `cargo build --release`.
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

events="${EVENTS:-100000}"
instance=i-0be4c4be4c4be4c4b
"$py" - "$endpoint" "$instance" "$events" <<'PY'
import sys, time, boto3
endpoint, stream, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
logs = boto3.client("logs", endpoint_url=endpoint, region_name="us-east-1")
group = "/buildkite/elastic-stack"
logs.create_log_group(logGroupName=group)
logs.create_log_stream(logGroupName=group, logStreamName=stream)
start = int(time.time() * 1000) - 50 * 60 * 1000
step = max(1, 50 * 60 * 1000 // n)  # all of them in the last 50 minutes
for base in range(0, n, 10000):
    batch = [{"timestamp": start + (base + i) * step, "message": f"line {base + i} Disk space free: {100 + i % 50}G"} for i in range(min(10000, n - base))]
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)
PY

# Runs a command RUNS times, counting its output lines, and prints the median CPU seconds
# (user + system, from getrusage) and the median wall seconds, and the lines of the last run.
RUNS="${RUNS:-3}"
measure() {
  "$py" - "$RUNS" "$@" <<'PY'
import os, resource, statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
cpus, walls = [], []
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    lines = sum(1 for _ in p.stdout)
    p.wait()
    walls.append(time.monotonic() - t0)
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append(r.ru_utime + r.ru_stime - before.ru_utime - before.ru_stime)
print(f"{statistics.median(cpus):.3f} {statistics.median(walls):.3f} {lines}")
PY
}

# The server's own serving time: the same pages asked for with no client work beyond
# reading the next token (unsigned requests, which the local server accepts).
serve() {
  "$py" - "$endpoint" "$instance" "$RUNS" <<'PY'
import json, statistics, sys, time, urllib.request
endpoint, stream, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
walls = []
for _ in range(runs):
    t0, token, n = time.monotonic(), None, 0
    while True:
        body = {"logGroupName": "/buildkite/elastic-stack", "logStreamNames": [stream],
                "startTime": int(time.time() * 1000) - 3600 * 1000}
        if token:
            body["nextToken"] = token
        req = urllib.request.Request(endpoint, data=json.dumps(body).encode(), headers={
            "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "Logs_20140328.FilterLogEvents",
            "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/logs/aws4_request, SignedHeaders=host, Signature=0"})
        page = json.loads(urllib.request.urlopen(req).read())
        n += len(page.get("events", []))
        token = page.get("nextToken")
        if not token:
            break
    walls.append(time.monotonic() - t0)
print(f"{statistics.median(walls):.3f} {n}")
PY
}

read -r s_wall s_events < <(serve)
read -r b_cpu b_wall b_lines < <(measure "$bkops" logs "$instance" --group elastic-stack --since 1h --no-color \
  --region us-east-1 --endpoint-url "$endpoint")
read -r a_cpu a_wall a_lines < <(measure "$awslogs_venv/bin/awslogs" get /buildkite/elastic-stack "$instance" \
  -s 1h --aws-region us-east-1 --aws-endpoint-url "$endpoint")
read -r t_cpu t_wall t_lines < <(AWS_CONFIG_FILE="$aws_config" measure "$awscli_venv/bin/aws" logs tail \
  /buildkite/elastic-stack --prefix "$instance" --since 1h --color off \
  --region us-east-1 --endpoint-url "$endpoint")

echo "events served:          $events (medians of $RUNS runs)"
echo "the server alone:       $s_events events, ${s_wall} s wall"
echo "bkops logs:             $b_lines lines, ${b_cpu} CPU s, ${b_wall} s wall ($("$py" -c "print(f'{float($b_wall)/max(float($s_wall),1e-3):.2f}')")x the server's time)"
echo "aws logs tail:          $t_lines lines, ${t_cpu} CPU s, ${t_wall} s wall"
echo "awslogs get:            $a_lines lines, ${a_cpu} CPU s, ${a_wall} s wall"
"$py" -c "print(f'aws logs tail / bkops:  {float($t_cpu)/max(float($b_cpu),1e-3):.1f}x the CPU, {float($t_wall)/max(float($b_wall),1e-3):.1f}x the wall time')"
"$py" -c "print(f'awslogs / bkops:        {float($a_cpu)/max(float($b_cpu),1e-3):.1f}x the CPU, {float($a_wall)/max(float($b_wall),1e-3):.1f}x the wall time')"
[ "$b_lines" = "$events" ] && [ "$a_lines" = "$events" ] && [ "$t_lines" = "$events" ] && [ "$s_events" = "$events" ] || { echo "a client did not print every event" >&2; exit 1; }
