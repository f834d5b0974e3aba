#!/usr/bin/env bash
# Spark scaling on this machine: the same audit (cnn_relu_maxpool_bn, 200 samples, PGD) as a Spark job on
# local[1] vs local[2] (one executor JVM with 1 or 2 task slots) and local-cluster[1,1,1024] vs
# local-cluster[2,1,1024] (1 or 2 executor JVMs of 1 core, launched by Spark's own Master/Workers),
# alternating, ROUNDS rounds; prints the "spark:" line of each run (job time and samples/s, start-up
# separately) and the load average before and after.
# Usage: [MASTERS="local[1] local[2]"] [PGD_STEPS=10] tools/spark-scaling.sh [ROUNDS]  (more PGD steps: longer jobs, less start-up noise)
set -euo pipefail -f
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
fx="$root/fixtures/torch-reference/cnn_relu_maxpool_bn"
out="$(mktemp -d)"
home="$out/spark-home"
cp_all="$root/spark/target/lcnn-spark.jar:$root/cli/target/lcnn-cli.jar:$(cat "$root/spark/target/classpath.txt" 2>/dev/null || true)"
cluster_opts="-Xmx3g -Dspark.executor.extraClassPath=$cp_all -Dspark.executorEnv.SPARK_TESTING=1"
cluster_opts+=" -Dspark.executorEnv.SPARK_SCALA_VERSION=2.13 -Dspark.executor.memory=768m"
# wait for every executor to register before the job, so that executor JVM start-up counts as start-up, not job time
cluster_opts+=" -Dspark.scheduler.minRegisteredResourcesRatio=1.0"
echo "cores: $(nproc); load average before: $(cat /proc/loadavg)"
for r in $(seq "$rounds"); do
  for m in ${MASTERS:-'local[1]' 'local[2]' 'local-cluster[1,1,1024]' 'local-cluster[2,1,1024]'}; do
    opts="-Xmx3g"
    [[ "$m" == local-cluster\[1* ]] && opts="$cluster_opts -Dspark.cores.max=1"
    [[ "$m" == local-cluster\[2* ]] && opts="$cluster_opts -Dspark.cores.max=2"
    SPARK_HOME="$home" SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_HOSTNAME=127.0.0.1 LCNN_JAVA_OPTS="$opts" \
      "$root/lcnn" audit --model "$fx/model.onnx" --inputs "$fx/pgd_inputs.npy" --labels "$fx/pgd_labels.npy" \
      --batch-size 8 --attack pgd --pgd-steps "${PGD_STEPS:-10}" --pgd-restarts 1 --eps 0.5 --self-check-samples 0 --no-bound \
      --out "$out/$r-${m//[^a-z0-9]/_}" --spark "$m" 2>&1 >/dev/null | grep '^spark:' || echo "$m: failed"
  done
done
echo "load average after: $(cat /proc/loadavg)"
rm -rf "$out"
