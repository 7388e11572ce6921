#!/usr/bin/env bash
# Install Nextflow from Maven Central into $NXF_LIB (default: tools/nextflow/lib, git-ignored).
# Nextflow's own launcher downloads its jar from the internet; this needs only Maven Central.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lib="${NXF_LIB:-$here/../../tools/nextflow/lib}"
if [ -f "$lib/.complete" ] && [ "$lib/.complete" -nt "$here/pom.xml" ]; then
    exit 0
fi
command -v mvn >/dev/null || { echo "install.sh: Maven (mvn) is needed to fetch Nextflow from Maven Central" >&2; exit 1; }
command -v java >/dev/null || { echo "install.sh: Java 17 or later is needed to run Nextflow" >&2; exit 1; }
rm -rf "$lib" && mkdir -p "$lib"
mvn -B -q -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib"
touch "$lib/.complete"
echo "Nextflow installed in $lib ($(ls "$lib"/*.jar | wc -l) jars, $(du -sh "$lib" | cut -f1))"
