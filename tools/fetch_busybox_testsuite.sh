#!/usr/bin/env bash
# Fetches the testsuite/ folder of Debian's busybox source package into
# $BUILD/busybox-testsuite/testsuite, through a PRIVATE apt configuration in
# $BUILD/apt/: its own deb-src list (derived from the system's deb lines),
# state and cache directories. The system's apt lists are never touched.
# Fetched code stays in build/ and is never committed.
set -euo pipefail

BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
APTDIR=$ROOT/$BUILD/apt
OUT=$ROOT/$BUILD/busybox-testsuite

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
command -v apt-get >/dev/null || { echo "fetch_busybox_testsuite: needs apt-get" >&2; exit 1; }
command -v dpkg-source >/dev/null || {
	echo "fetch_busybox_testsuite: needs dpkg-source (apt-get install dpkg-dev)" >&2
	exit 1
}

mkdir -p "$APTDIR/etc/sources.list.d" "$APTDIR/etc/preferences.d" \
	"$APTDIR/lists/partial" "$APTDIR/state" "$APTDIR/cache/archives/partial" "$APTDIR/src"

# deb-src lines from the system's one-line lists and deb822 .sources files;
# disabled files (other suffixes) are skipped like apt itself does.
list=$APTDIR/etc/sources.list
: >"$list"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
	[ -f "$f" ] || continue
	sed -n 's/^[[:space:]]*deb[[:space:]]\+/deb-src /p' "$f" >>"$list"
done
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	# One stanza per blank-line-separated block; "Types: deb" becomes
	# deb-src, Enabled: no blocks are dropped.
	awk '
	function flush() {
		if (types ~ /(^| )deb( |$)/ && enabled != "no")
			for (i = 1; i <= nu; i++)
				for (j = 1; j <= ns; j++)
					printf "deb-src %s%s %s %s\n", opts, u[i], s[j], comps
		types = ""; nu = 0; ns = 0; comps = ""; opts = ""; enabled = ""
	}
	/^[[:space:]]*#/ { next }
	/^[[:space:]]*$/ { flush(); next }
	{
		key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
		if (key == "types") types = $0
		else if (key == "uris") nu = split($0, u, " ")
		else if (key == "suites") ns = split($0, s, " ")
		else if (key == "components") comps = $0
		else if (key == "enabled") enabled = tolower($0)
		else if (key == "signed-by") opts = "[signed-by=" $0 "] "
	}
	END { flush() }' "$f" >>"$list"
done
[ -s "$list" ] || { echo "fetch_busybox_testsuite: no deb lines found in /etc/apt" >&2; exit 1; }

cat >"$APTDIR/apt.conf" <<CONF
Dir::Etc::sourcelist "$list";
Dir::Etc::sourceparts "$APTDIR/etc/sources.list.d";
Dir::Etc::preferencesparts "$APTDIR/etc/preferences.d";
Dir::State "$APTDIR/state";
Dir::State::Lists "$APTDIR/lists";
Dir::State::status "/var/lib/dpkg/status";
Dir::Cache "$APTDIR/cache";
Dir::Cache::archives "$APTDIR/cache/archives";
APT::Sandbox::User "root";
CONF
export APT_CONFIG=$APTDIR/apt.conf

echo "fetch_busybox_testsuite: apt-get update (private lists in $APTDIR)"
apt-get -q -o Debug::NoLocking=1 update >"$APTDIR/update.log" 2>&1 || {
	tail -n 20 "$APTDIR/update.log" >&2
	exit 1
}
rm -rf "$APTDIR/src" && mkdir -p "$APTDIR/src"
(cd "$APTDIR/src" && apt-get -q -o Debug::NoLocking=1 source --download-only busybox) \
	>"$APTDIR/source.log" 2>&1 || { tail -n 20 "$APTDIR/source.log" >&2; exit 1; }
dsc=$(ls "$APTDIR"/src/busybox_*.dsc | head -n 1)
(cd "$APTDIR/src" && dpkg-source --no-check -x "$dsc" tree) >>"$APTDIR/source.log" 2>&1
rm -rf "$OUT" && mkdir -p "$OUT"
cp -a "$APTDIR/src/tree/testsuite" "$OUT/testsuite"
# runtest skips the tests of features a build leaves out, reading them from
# $bindir/.config: keep the configuration Debian builds busybox-static with.
cp "$APTDIR/src/tree/debian/config/pkg/static" "$OUT/busybox-static.config"
echo "$(basename "$dsc" .dsc)" >"$OUT/VERSION"
trim_heavy_tests "$OUT/testsuite"
rm -rf "$APTDIR/src"
echo "fetch_busybox_testsuite: $(cat "$OUT/VERSION") testsuite in $OUT/testsuite"
