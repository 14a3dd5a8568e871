#!/usr/bin/env bash
# Fetches Debian's stock kernel (the linux-image-6.1.0-*-amd64 package that
# linux-image-amd64 depends on) and unpacks it into $BUILD/linux/ with
# `apt-get download` + `dpkg -x`: never installed, nothing outside build/.
# The benchmarks (make bench) and the Linux-oracle checks boot it.
#
#   tools/fetch_linux.sh      prints the path of the unpacked vmlinuz
#   FORCE=1 tools/fetch_linux.sh   fetches again even if it is there
#
# Afterwards: $BUILD/linux/vmlinuz (a symlink to boot/vmlinuz-<ver>),
# $BUILD/linux/VERSION (the package name and version) and the modules tree.
set -euo pipefail

BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
case $BUILD in /*) BDIR=$BUILD ;; *) BDIR=$ROOT/$BUILD ;; esac
OUT=$BDIR/linux

say() { echo "fetch_linux: $*" >&2; }

if [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/VERSION" ] && [ -z "${FORCE:-}" ]; then
	echo "$OUT/vmlinuz"
	exit 0
fi
command -v apt-get >/dev/null || { say "needs apt-get (a Debian/Ubuntu host)"; exit 1; }
command -v dpkg >/dev/null || { say "needs dpkg"; exit 1; }

# The metapackage names the concrete, versioned image package.
concrete() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' |
		grep -v -- '-unsigned$' | head -n 1
}
pkg=$(concrete || true)
if [ -z "$pkg" ]; then
	say "linux-image-amd64 unknown to apt; running apt-get update"
	apt-get -q update >&2 || { say "apt-get update failed (need root?)"; exit 1; }
	pkg=$(concrete || true)
fi
[ -n "$pkg" ] || { say "cannot resolve linux-image-amd64 to a kernel package"; exit 1; }

tmp=$(mktemp -d "$BDIR/.fetch_linux.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
say "downloading $pkg"
# apt-get download writes into the current directory; as root it drops
# privileges to _apt, which must be able to write there.
chmod 0777 "$tmp"
(cd "$tmp" && apt-get -q download "$pkg") >&2 || {
	say "apt-get download $pkg failed"
	exit 1
}
debs=("$tmp"/*.deb)
deb=${debs[0]}
rm -rf "$OUT" && mkdir -p "$OUT"
dpkg -x "$deb" "$OUT"
images=("$OUT"/boot/vmlinuz-*)
vmlinuz=${images[0]}
[ -f "$vmlinuz" ] || { say "no boot/vmlinuz-* in $deb"; exit 1; }
ln -sf "boot/$(basename "$vmlinuz")" "$OUT/vmlinuz"
# shellcheck disable=SC2016 # dpkg's own ${field} syntax
dpkg-deb --show --showformat='${Package} ${Version}\n' "$deb" >"$OUT/VERSION"
say "$(cat "$OUT/VERSION") unpacked in $OUT"
echo "$OUT/vmlinuz"
