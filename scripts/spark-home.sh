#!/usr/bin/env bash
# Makes a minimal Spark installation (the version of the parent pom's spark.version) from the Spark jars Maven resolves (no Spark download):
# DIR/jars links to the runtime classpath of spark-core (spark-runtime/target/spark-classpath.txt,
# the same set the cluster test uses) and DIR/bin holds spark-class and spark-submit, which do
# what the scripts of a Spark binary distribution do: ask Spark's launcher
# (org.apache.spark.launcher.Main) for the command of a Spark class and run it. Prints DIR.
#   export SPARK_HOME="$(scripts/spark-home.sh)"       # default DIR: spark-runtime/target/spark-home
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
home="${1:-$here/spark-runtime/target/spark-home}"
cp_file="$here/spark-runtime/target/spark-classpath.txt"
if [[ ! -f "$cp_file" ]]; then
  echo "spark-home: resolving Spark's jars (./mvnw -q -B -pl spark-runtime generate-resources) ..." >&2
  (cd "$here" && ./mvnw -q -B -pl spark-runtime generate-resources) >&2
fi
mkdir -p "$home/jars" "$home/bin" "$home/conf"
# links of an earlier build against another Spark version would put both on the classpath
find "$home/jars" -mindepth 1 -maxdepth 1 -type l -delete
IFS=: read -r -a jars < "$cp_file" || true   # the file has no final newline
# Scala binary version of these jars, from spark-core's name (spark-core_2.13-4.2.0.jar), as a binary
# distribution's load-spark-env.sh sets it
scala=""
for jar in "${jars[@]}"; do
  if [[ "$(basename "$jar")" =~ ^spark-core_([0-9]+\.[0-9]+)- ]]; then scala="${BASH_REMATCH[1]}"; fi
done
if [[ -z "$scala" ]]; then
  echo "spark-home: no spark-core jar in $cp_file" >&2
  exit 1
fi
for jar in "${jars[@]}"; do
  ln -sfn "$jar" "$home/jars/$(basename "$jar")"
done
cat > "$home/bin/spark-class" <<SCRIPT
#!/usr/bin/env bash
# spark-class of a minimal installation: runs the command Spark's launcher builds for a Spark class.
export SPARK_SCALA_VERSION=$scala
SCRIPT
cat >> "$home/bin/spark-class" <<'SCRIPT'
set -euo pipefail
export SPARK_HOME="${SPARK_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cmd=()
while IFS= read -r -d '' arg; do
  arg="${arg#$'\n'}"
  [[ -n "$arg" ]] && cmd+=("$arg")
done < <(java -Xmx128m -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main "$@")
if [[ ${#cmd[@]} -eq 0 ]]; then
  echo "spark-class: Spark's launcher gave no command for $*" >&2
  exit 1
fi
exec "${cmd[@]}"
SCRIPT
cat > "$home/bin/spark-submit" <<'SCRIPT'
#!/usr/bin/env bash
exec "$(dirname "${BASH_SOURCE[0]}")/spark-class" org.apache.spark.deploy.SparkSubmit "$@"
SCRIPT
chmod +x "$home/bin/spark-class" "$home/bin/spark-submit"
echo "$home"
