#!/usr/bin/env bash
# Training throughput (the median over averaging rounds of examples/s, from the run summary's
# "throughput:" line, so that warm-up rounds do not count) of one config: the local trainer (ND4J on all cores), Spark local[1] and local[2]
# (in-process driver, 2 workers per round, 1 ND4J thread per task) and a standalone cluster of 2 workers (1 core each,
# separate JVMs on 127.0.0.1, job jar through spark-submit), with quantization on from the first
# step and off (FP32). Repeats are interleaved; prints the median and the range of each.
#   scripts/bench-distributed.sh [CONFIG] [STEPS] [REPEATS]   (defaults: the W8A8 flagship, 150, 3)
#   MODES="standalone" scripts/bench-distributed.sh ...       (a subset of: local local1 local2 standalone)
# Needs a built project (./mvnw -DskipTests install); starts and stops its cluster by pid.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="${1:-configs/fashion-mnist-w8a8.yaml}"
steps="${2:-150}"
repeats="${3:-3}"
work="$(mktemp -d /tmp/qat4j-bench.XXXXXX)"
# the jobs run a copy of the job jar, so that a rebuild during the benchmark cannot change it under them
cp "$here/spark-job/target/qat4j-spark.jar" "$work/qat4j-spark.jar"
export SPARK_HOME="$("$here/scripts/spark-home.sh")"
pids=()
job=""
cleanup() {
  if [[ -n "$job" ]]; then kill "$job" 2>/dev/null || true; fi
  for pid in "${pids[@]}"; do
    # a worker's executors are its children: stop them by pid, then the worker (or master)
    for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do kill "$child" 2>/dev/null || true; done
    kill "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
port=$(( 20000 + RANDOM % 20000 ))
export SPARK_LOCAL_IP=127.0.0.1 SPARK_WORKER_DIR="$work/worker"
"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
  --webui-port 0 > "$work/master.log" 2>&1 &
pids+=($!)
sleep 5
for w in 1 2; do
  "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 3g \
    --webui-port 0 --work-dir "$work/worker$w" "spark://127.0.0.1:$port" > "$work/worker$w.log" 2>&1 &
  pids+=($!)
done
sleep 8

common=(--no-report --max-steps "$steps" --set output.dir="$work/runs" --set quantization.schedule.fp32Warmup=0)
run() {  # run MODE QUANT REPEAT: the job's output goes to $work/MODE-QUANT-REPEAT.log
  local mode="$1" quant="$2" r="$3" out="$work/$1-$2-$3.log"
  local args=("${common[@]}" --set name="$mode-$quant-$r" --set quantization.enabled="$quant")
  case "$mode" in
    local) "$here/qat4j" train "$config" "${args[@]}" > "$out" 2>&1 & job=$! ;;
    # the tasks of a local master run in the driver's JVM: one native ND4J thread per task from its start
    local1) OMP_NUM_THREADS=1 "$here/qat4j" train "$config" "${args[@]}" --set 'distributed.master=local[1]' > "$out" 2>&1 & job=$! ;;
    local2) OMP_NUM_THREADS=1 "$here/qat4j" train "$config" "${args[@]}" --set 'distributed.master=local[2]' > "$out" 2>&1 & job=$! ;;
    standalone) "$SPARK_HOME/bin/spark-submit" --master "spark://127.0.0.1:$port" --driver-memory 4g \
        --executor-memory 2g --conf spark.driver.host=127.0.0.1 --class io.qat4j.jobs.Qat4j \
        "$work/qat4j-spark.jar" train "$config" "${args[@]}" > "$out" 2>&1 & job=$! ;;
  esac
  wait "$job" || true
  job=""
}
rate() {  # rate LOG: the median round rate of the run's throughput line
  sed -n 's/^throughput: .*median round \([0-9.]*\) examples\/s.*/\1/p' "$1" | tail -1
}
read -r -a modes <<< "${MODES:-local local1 local2 standalone}"
declare -A results
for r in $(seq 1 "$repeats"); do
  for quant in true false; do
    for mode in "${modes[@]}"; do
      run "$mode" "$quant" "$r"
      v="$(rate "$work/$mode-$quant-$r.log")"
      if [[ -z "$v" ]]; then echo "no throughput line: $work/$mode-$quant-$r.log" >&2; tail -20 "$work/$mode-$quant-$r.log" >&2; exit 1; fi
      results[$mode-$quant]+="$v "
      echo "repeat $r: $mode quantization=$quant: $v examples/s" >&2
    done
  done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2; printf "%.1f (%.1f-%.1f)", m, a[1], a[NR]}'; }
med() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "config $config, $steps steps per run, $repeats repeats, median (min-max) examples/s"
printf '| trainer | QAT | FP32 | QAT/FP32 |\n|---|---|---|---|\n'
for mode in "${modes[@]}"; do
  q="$(median <<< "${results[$mode-true]}")"; f="$(median <<< "${results[$mode-false]}")"
  ratio="$(awk -v a="$(med <<< "${results[$mode-true]}")" -v b="$(med <<< "${results[$mode-false]}")" 'BEGIN {printf "%.2f", a/b}')"
  printf '| %s | %s | %s | %s |\n' "$mode" "$q" "$f" "$ratio"
done
if [[ -n "${results[local2-true]:-}" && -n "${results[local1-true]:-}" ]]; then
  awk -v a="$(med <<< "${results[local2-true]}")" -v b="$(med <<< "${results[local1-true]}")" \
    'BEGIN {printf "scaling local[2]/local[1] (QAT, medians): %.2f\n", a/b}'
fi
