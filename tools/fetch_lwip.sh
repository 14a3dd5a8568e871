#!/usr/bin/env bash
# tools/fetch_lwip.sh DEST: unpacks Debian's lwip source package (lwIP
# 2.1.x) into DEST with tools/apt_source.sh and leaves DEST/.fetched as
# the stamp mk/kernel/lwip.mk waits for. lwIP's code is never committed.
set -euo pipefail

DEST=${1:?destination}
here=$(cd "$(dirname "$0")" && pwd)
ver=$("$here/apt_source.sh" lwip "$DEST")
case $ver in
lwip_2.1.*) ;;
*) echo "fetch_lwip: got $ver; the port is written for lwIP 2.1.x" >&2 ;;
esac
for f in src/core/tcp.c src/core/ipv4/dhcp.c src/netif/ethernet.c \
	src/include/lwip/opt.h; do
	[ -f "$DEST/$f" ] || { echo "fetch_lwip: $DEST/$f missing" >&2; exit 1; }
done
echo "$ver" >"$DEST/.fetched"
echo "fetch_lwip: $ver in $DEST"
