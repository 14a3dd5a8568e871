#!/usr/bin/env bash
# tools/apt_source.sh PACKAGE DEST: unpacks Debian's source package PACKAGE
# into DEST (a directory made fresh), through a PRIVATE apt configuration in
# $BUILD/apt/: its own deb-src list (derived from the system's deb lines),
# state and cache directories. The system's apt lists are never touched,
# and the private list holds only deb-src lines, so `apt-get update` on it
# cannot disturb the binary package lists. Fetched code stays in build/
# and is never committed. Prints DEST's source version on success.
set -euo pipefail

PKG=${1:?package}
DEST=${2:?destination}
case $DEST in /*) ;; *) DEST=$PWD/$DEST ;; esac
BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) APTDIR=$BUILD/apt ;; *) APTDIR=$ROOT/$BUILD/apt ;; esac
me="apt_source($PKG)"

command -v apt-get >/dev/null || { echo "$me: needs apt-get" >&2; exit 1; }
command -v dpkg-source >/dev/null || {
	echo "$me: needs dpkg-source (apt-get install dpkg-dev)" >&2
	exit 1
}

mkdir -p "$APTDIR/etc/sources.list.d" "$APTDIR/etc/preferences.d" \
	"$APTDIR/lists/partial" "$APTDIR/state" "$APTDIR/cache/archives/partial"
# Several fetches may run at once (make -j, parallel test tools).
exec 9>"$APTDIR/lock"
flock 9

# deb-src lines from the system's one-line lists and deb822 .sources files;
# disabled files (other suffixes) are skipped like apt itself does.
list=$APTDIR/etc/sources.list
: >"$list.new"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
	[ -f "$f" ] || continue
	sed -n 's/^[[:space:]]*deb[[:space:]]\+/deb-src /p' "$f" >>"$list.new"
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
	END { flush() }' "$f" >>"$list.new"
done
[ -s "$list.new" ] || { echo "$me: no deb lines found in /etc/apt" >&2; exit 1; }
grep -qv '^deb-src ' "$list.new" && { echo "$me: private list is not deb-src only" >&2; exit 1; }
mv "$list.new" "$list"

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

# One update per hour is plenty: the source lists rarely change.
stamp=$APTDIR/updated
if [ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
	echo "$me: apt-get update (private lists in $APTDIR)" >&2
	apt-get -q -o Debug::NoLocking=1 update >"$APTDIR/update.log" 2>&1 || {
		tail -n 20 "$APTDIR/update.log" >&2
		exit 1
	}
	touch "$stamp"
fi
src=$APTDIR/src-$PKG
rm -rf "$src" && mkdir -p "$src"
(cd "$src" && apt-get -q -o Debug::NoLocking=1 source --download-only "$PKG") \
	>"$APTDIR/source-$PKG.log" 2>&1 || { tail -n 20 "$APTDIR/source-$PKG.log" >&2; exit 1; }
dsc=$(ls "$src"/"$PKG"_*.dsc | head -n 1)
rm -rf "$DEST" && mkdir -p "$(dirname "$DEST")"
(cd "$src" && dpkg-source --no-check --no-copy -x "$dsc" "$DEST") >>"$APTDIR/source-$PKG.log" 2>&1 || {
	tail -n 20 "$APTDIR/source-$PKG.log" >&2; exit 1; }
rm -rf "$src"
basename "$dsc" .dsc
