#!/usr/bin/env bash
# Builds the base of Gatehouse's container image, as a 'docker save' tarball that Jib builds on (from.image tar://...),
# from what this machine already has: no registry is asked and no container daemon is needed.
#
#   src/image/base-image.sh OUT_DIR        (JAVA_HOME: the JDK to take the Java runtime from; './gatehouse image' sets it)
#
# The base is one layer:
# - /opt/java: a Java runtime linked by the JDK's jlink (the modules below; no X11 or sound libraries: headless);
# - the C libraries that runtime and the Amazon Corretto Crypto Provider load (glibc's libc, libm, libdl, libpthread,
#   librt and the dynamic loader), copied from this machine's own (Debian's libc6 here), found with ldd;
# - /etc/passwd and /etc/group with the user gatehouse (65532), /etc/nsswitch.conf; /tmp (1777); /data, owned by
#   65532 and 0700, so that a fresh Docker volume mounted there starts with that owner;
# - /opt/gatehouse/HealthCheck.class (src/image/HealthCheck.java), which the config's HEALTHCHECK runs.
# Its config sets PATH, JAVA_HOME, LANG=C.UTF-8 and the HEALTHCHECK. Jib keeps a base image's HEALTHCHECK in a
# Docker-format image (the OCI image config has no such field, and Jib's own configuration cannot set one), which is why
# the health check lives here and the image is written in Docker's format. Everything else (user, entrypoint, port,
# volume, settings) is in pom.xml's 'image' profile.
#
# The result is cached: OUT_DIR/base.stamp records what it was built from (the JDK, this script, the health check
# source) and a second run with the same inputs does nothing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mkdir -p "${1:?usage: base-image.sh OUT_DIR}" && cd "$1" && pwd)"
: "${JAVA_HOME:?JAVA_HOME must name the JDK to take the Java runtime from}"
say() { echo "gatehouse: $*" >&2; }

uid=65532
# The runtime's modules: what jdeps finds in Gatehouse and its libraries (java.se covers the java.* ones), what they load
# by name (the JDBC drivers' and mail's optional security modules, DNS for JNDI, the EC and PKCS#11 providers, extra
# charsets, locale data), and jcmd for thread and heap dumps from inside the container.
modules=java.se,jdk.unsupported,jdk.management,jdk.management.jfr,jdk.jfr,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.charsets
modules+=,jdk.localedata,jdk.naming.dns,jdk.zipfs,jdk.net,jdk.security.auth,jdk.security.jgss,jdk.jcmd

case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) say "the image is built for amd64 or arm64 (this machine is $(uname -m))"; exit 1 ;;
esac

stamp="$(
  echo "java=$JAVA_HOME arch=$arch modules=$modules"
  sed -n 's/^\(JAVA_RUNTIME_VERSION\|IMPLEMENTOR\)=/&/p' "$JAVA_HOME/release" 2>/dev/null
  sha256sum "$here/base-image.sh" "$here/HealthCheck.java" | cut -d' ' -f1
  ldd --version 2>/dev/null | sed -n 1p
)"
if [ -f "$out/base.tar" ] && [ "$(cat "$out/base.stamp" 2>/dev/null)" = "$stamp" ]; then
  exit 0
fi
say "building the image's base (a Java runtime from $JAVA_HOME and this machine's C library)..."
rm -rf "$out/base" "$out/base.tar" "$out/base.stamp"
root="$out/base/rootfs"
mkdir -p "$root"

# The Java runtime. A JDK without jmods can still link when it was built to link from its own run-time image
# (Temurin 24+ is); Debian's packages put them in openjdk-NN-jmods.
if ! "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
    --generate-cds-archive --output "$root/opt/java" >"$out/base/jlink.log" 2>&1; then
  cat "$out/base/jlink.log" >&2
  major="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release" 2>/dev/null)"
  say "jlink could not make the image's Java runtime from $JAVA_HOME (a JDK without its jmods; on Debian: apt-get install openjdk-${major:-NN}-jmods)"
  exit 1
fi
# Headless: these load X11 or ALSA, which the image does not have.
rm -f "$root"/opt/java/lib/{libawt_xawt,libjawt,libsplashscreen,libjsound}.so

# The C libraries: every library (and the dynamic loader) that ldd finds for the runtime's programs and libraries and
# for the crypto provider's native library, copied to the same path (symbolic links resolved).
elves=()
while IFS= read -r -d '' f; do
  if [ "$(head -c4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ]; then elves+=("$f"); fi
done < <(find "$root/opt/java" -type f -print0)
# The provider's jar is in the local Maven repository once Gatehouse was built; its library needs no more than the
# runtime's (libc, libdl, libpthread, libm), so a first build without it makes the same base.
accp="$({ find "$HOME/.m2/repository/software/amazon/cryptools/AmazonCorrettoCryptoProvider" -name '*-linux-*.jar' 2>/dev/null || true; } | sort | tail -n1)"
if [ -n "$accp" ]; then
  mkdir -p "$out/base/accp"
  (cd "$out/base/accp" && "$JAVA_HOME/bin/jar" xf "$accp" com/amazon/corretto/crypto/provider/libamazonCorrettoCryptoProvider.so 2>/dev/null || true)
  [ -f "$out/base/accp/com/amazon/corretto/crypto/provider/libamazonCorrettoCryptoProvider.so" ] &&
    elves+=("$out/base/accp/com/amazon/corretto/crypto/provider/libamazonCorrettoCryptoProvider.so")
fi
libs="$(for f in "${elves[@]}"; do ldd "$f" 2>/dev/null || true; done |
  sed -n -e 's/^[^=]*=> \(\/[^ ]*\) (0x.*$/\1/p' -e 's/^[[:space:]]*\(\/[^ ]*\) (0x.*$/\1/p' | sort -u)"
for lib in $libs; do
  case "$lib" in "$root"/*|"$out"/*) continue ;; esac
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
[ -n "$libs" ] || { say "ldd found no C library for the Java runtime"; exit 1; }
if [ -f /usr/share/doc/libc6/copyright ]; then   # glibc's licence goes with its files
  mkdir -p "$root/usr/share/doc/libc6" && cp /usr/share/doc/libc6/copyright "$root/usr/share/doc/libc6/"
fi

mkdir -p "$root/etc" "$root/tmp" "$root/data" "$root/opt/gatehouse"
cat >"$root/etc/passwd" <<EOF
root:x:0:0:root:/root:/sbin/nologin
gatehouse:x:$uid:$uid:Gatehouse:/data:/sbin/nologin
EOF
cat >"$root/etc/group" <<EOF
root:x:0:
gatehouse:x:$uid:
EOF
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"

"$JAVA_HOME/bin/javac" --release 21 -d "$root/opt/gatehouse" "$here/HealthCheck.java"

# One layer, the same bytes for the same inputs: sorted, epoch times, numeric owners. Everything root's and not
# writable by others, but /tmp (1777) and /data (the user's, 0700), appended with their own owner and mode.
layer="$out/base/layer.tar"
tops=()
for d in "$root"/*; do case "${d##*/}" in tmp|data) ;; *) tops+=("${d##*/}") ;; esac; done
common=(--sort=name --mtime=@0 --numeric-owner --format=gnu)
tar -cf "$layer" "${common[@]}" --owner=0 --group=0 --mode=go-w -C "$root" "${tops[@]}"
tar -rf "$layer" "${common[@]}" --owner=0 --group=0 --mode=1777 -C "$root" tmp
tar -rf "$layer" "${common[@]}" --owner=$uid --group=$uid --mode=0700 -C "$root" data
diff_id="sha256:$(sha256sum "$layer" | cut -d' ' -f1)"

# The HEALTHCHECK: the check above, on a small heap, every 30 s after a 60 s start period (a first start on an empty
# PostgreSQL migrates the schema), 3 failures in a row = unhealthy. Docker's fields are in nanoseconds.
s=1000000000
cat >"$out/base/config.json" <<EOF
{
  "created": "1970-01-01T00:00:00Z",
  "architecture": "$arch",
  "os": "linux",
  "config": {
    "Env": ["PATH=/opt/java/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8"],
    "Healthcheck": {
      "Test": ["CMD", "/opt/java/bin/java", "-Xmx16m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
               "-cp", "/opt/gatehouse", "HealthCheck"],
      "Interval": $((30 * s)),
      "Timeout": $((10 * s)),
      "StartPeriod": $((60 * s)),
      "Retries": 3
    }
  },
  "rootfs": {"type": "layers", "diff_ids": ["$diff_id"]},
  "history": [{"created": "1970-01-01T00:00:00Z",
               "created_by": "src/image/base-image.sh: Java runtime (jlink of $(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$JAVA_HOME/release" 2>/dev/null)), C library, user gatehouse, health check"}]
}
EOF
echo '[{"Config": "config.json", "RepoTags": ["gatehouse-base:local"], "Layers": ["layer.tar"]}]' >"$out/base/manifest.json"
tar -cf "$out/base.tar" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$out/base" manifest.json config.json layer.tar
rm -rf "$out/base"
echo "$stamp" >"$out/base.stamp"
