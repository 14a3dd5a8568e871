#!/usr/bin/env bash
# Fetches the testsuite/ folder of Debian's busybox source package into
# $BUILD/busybox-testsuite/testsuite with tools/apt_source.sh (a private apt
# configuration; the system's lists are never touched). Fetched code stays
# in build/ and is never committed.
set -euo pipefail

BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
case $BUILD in /*) BDIR=$BUILD ;; *) BDIR=$ROOT/$BUILD ;; esac
OUT=$BDIR/busybox-testsuite

# Two bc tests pipe ~4 million lines through bc twice (20 s natively,
# most of an hour under TCG emulation); they test bc's number printing,
# not the kernel. They are removed, on the host and in the guest alike,
# so the two runs stay comparable.
trim_heavy_tests() {
	/usr/bin/python3 - "$1/bc.tests" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
for name in ("bc parsing of numbers", "bc printing of numbers"):
    text = re.sub(r'testing "%s".*?\n(?=testing |for f in |exit )' % re.escape(name),
                  "", text, count=1, flags=re.S)
open(path, "w").write(text)
PY
}

if [ -x "$OUT/testsuite/runtest" ] && [ -z "${FORCE:-}" ]; then
	trim_heavy_tests "$OUT/testsuite"
	echo "fetch_busybox_testsuite: $OUT/testsuite already there (FORCE=1 refetches)"
	exit 0
fi
tree=$BDIR/busybox-src
version=$(BUILD=$BUILD tools/apt_source.sh busybox "$tree")
rm -rf "$OUT" && mkdir -p "$OUT"
cp -a "$tree/testsuite" "$OUT/testsuite"
# runtest skips the tests of features a build leaves out, reading them from
# $bindir/.config: keep the configuration Debian builds busybox-static with.
cp "$tree/debian/config/pkg/static" "$OUT/busybox-static.config"
echo "$version" >"$OUT/VERSION"
trim_heavy_tests "$OUT/testsuite"
rm -rf "$tree"
echo "fetch_busybox_testsuite: $(cat "$OUT/VERSION") testsuite in $OUT/testsuite"
