#!/usr/bin/env bash
# Runs a real multi-process Orleans.Adaptive cluster on this machine: a private redis-server and N `serve` silos,
# each its own process, clustered through Redis exactly as they would be across VMs.
#
#   deploy/local/redis-cluster.sh [SILOS]        (default 3; Ctrl+C stops everything)
#
# Then, in another terminal:
#   dotnet run --project src/Client/Orleans.Adaptive.Cli -- status --clustering redis --redis 127.0.0.1:6390 --cluster-id local-redis
# and try `kill -9` on one silo's pid (printed below) to watch it turn Dead.
set -euo pipefail
cd "$(dirname "$0")/../.."

silos="${1:-3}"
redis_port="${REDIS_PORT:-6390}"
cluster_id="${CLUSTER_ID:-local-redis}"
command -v redis-server >/dev/null || { echo "redis-server is not installed: sudo apt-get install -y redis-server" >&2; exit 1; }

echo "Building…"
dotnet build src/Silo -c Release -v quiet -nologo >/dev/null
silo_dll="src/Silo/bin/Release/net10.0/Orleans.Adaptive.Silo.dll"
logs="$(mktemp -d)"
pids=()
cleanup() {
  echo "Stopping (logs in $logs)…"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no > "$logs/redis.log" 2>&1 &
pids+=($!)
sleep 0.5

for i in $(seq 0 $((silos - 1))); do
  dotnet "$silo_dll" serve \
    --clustering redis --redis "127.0.0.1:$redis_port" --cluster-id "$cluster_id" \
    --name "silo-$i" --silo-port $((11111 + i)) --gateway-port $((30000 + i)) --advertise 127.0.0.1 \
    --sample-interval 1s --capacity 400 > "$logs/silo-$i.log" 2>&1 &
  pids+=($!)
  echo "silo-$i: pid $! (log $logs/silo-$i.log)"
done

echo "Cluster '$cluster_id' is starting on Redis 127.0.0.1:$redis_port. Ctrl+C stops it."
wait
