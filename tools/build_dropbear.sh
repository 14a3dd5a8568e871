#!/usr/bin/env bash
# Builds a static dropbear SSH server (and dropbearkey, dbclient) with
# musl-gcc from Debian's dropbear source package, for the network tests'
# guest image (tools/suites/net.py, mk/net.mk). Never committed: the source
# and the programs live in $BUILD/dropbear/. Cached: a second run with the
# same source version and options does nothing.
#
#   tools/build_dropbear.sh        prints the directory holding the programs
#
# Afterwards $BUILD/dropbear/bin/{dropbear,dropbearkey,dbclient}.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) OUT=$BUILD/dropbear ;; *) OUT=$ROOT/$BUILD/dropbear ;; esac
CC=${MUSLCC:-musl-gcc}
PROGRAMS="dropbear dropbearkey dbclient"
say() { echo "build_dropbear: $*" >&2; }

# What the cache depends on: this script (flags, options) and the source.
stamp_want=$(sha256sum "$0" | cut -c1-16)
if [ -f "$OUT/bin/STAMP" ] && [ "$(cat "$OUT/bin/STAMP")" = "$stamp_want" ]; then
	echo "$OUT/bin"
	exit 0
fi
command -v "$CC" >/dev/null || { say "needs $CC (tools/deps.sh test)"; exit 1; }

mkdir -p "$OUT"
exec 9>"$OUT/lock"
flock 9
if [ ! -f "$OUT/src/configure" ]; then
	say "fetching Debian's dropbear source"
	BUILD=$BUILD "$ROOT/tools/apt_source.sh" dropbear "$OUT/src" >"$OUT/VERSION"
fi

cd "$OUT/src"
# Only what a key login with a pty needs: no password logins (so no crypt
# or shadow), no X11, agent or TCP forwarding, no sftp server path.
cat >localoptions.h <<'EOF'
/* Written by tools/build_dropbear.sh: Ferrite's test build. */
#define DROPBEAR_SVR_PASSWORD_AUTH 0
#define DROPBEAR_CLI_PASSWORD_AUTH 0
#define DROPBEAR_SVR_AGENTFWD 0
#define DROPBEAR_CLI_AGENTFWD 0
#define DROPBEAR_X11FWD 0
#define DROPBEAR_SFTPSERVER 0
#define DEFAULT_PATH "/bin:/sbin:/usr/bin:/usr/sbin"
#define DEFAULT_ROOT_PATH "/bin:/sbin:/usr/bin:/usr/sbin"
EOF
if [ ! -f Makefile ] || [ "$(cat .ferrite-stamp 2>/dev/null)" != "$stamp_want" ]; then
	say "configure (musl, static, no zlib/PAM/login records)"
	CC=$CC ./configure --enable-static --disable-zlib --disable-pam \
		--disable-lastlog --disable-utmp --disable-utmpx --disable-wtmp \
		--disable-wtmpx --disable-loginfunc --disable-pututline \
		--disable-pututxline --disable-syslog --disable-harden \
		--enable-bundled-libtom >"$OUT/configure.log" 2>&1 || {
		tail -n 20 "$OUT/configure.log" >&2
		exit 1
	}
	make clean >/dev/null 2>&1 || true
	echo "$stamp_want" >.ferrite-stamp
fi
say "make $PROGRAMS"
make -j"$(nproc)" PROGRAMS="$PROGRAMS" STATIC=1 >"$OUT/make.log" 2>&1 || {
	tail -n 20 "$OUT/make.log" >&2
	exit 1
}
mkdir -p "$OUT/bin"
for p in $PROGRAMS; do
	cp "$p" "$OUT/bin/$p"
	strip "$OUT/bin/$p"
done
echo "$stamp_want" >"$OUT/bin/STAMP"
say "$(cat "$OUT/VERSION" 2>/dev/null) built in $OUT/bin"
echo "$OUT/bin"
