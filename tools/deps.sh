#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages a make target needs, and nothing when
# they are all there (then it prints nothing either).
#   tools/deps.sh [build|run|test|bench]
# To add a dependency, add the package name to the list of its mode below.
set -euo pipefail

mode=${1:-run}

# gcc alone does not pull libc6-dev with --no-install-recommends; the host
# unit tests need it (libasan/libubsan come with gcc itself).
pkgs_build=(gcc libc6-dev make binutils python3 python3-kconfiglib)
# The user-space tests: musl-gcc for the test programs, Debian's static
# BusyBox for the initramfs, dpkg-dev (dpkg-source) to unpack BusyBox's
# source package for its test suite, python3-pexpect to type at the guest's
# console in the interactive tests.
pkgs_run=("${pkgs_build[@]}" qemu-system-x86 cpio busybox-static)
# The network tests (tools/suites/net.py): ssh and ssh-keygen log in to
# the guest's dropbear, curl fetches from its httpd.
pkgs_test=("${pkgs_run[@]}" musl-tools dpkg-dev python3-pexpect
	openssh-client curl)
# make bench: matplotlib draws build/bench/ratios.png; Debian's kernel
# comes from apt-get download (tools/fetch_linux.sh), nothing to install.
# ab (apache2-utils): HTTP requests per second against the guest's httpd.
pkgs_bench=("${pkgs_test[@]}" python3-matplotlib apache2-utils)

case $mode in
build) want=("${pkgs_build[@]}") ;;
run) want=("${pkgs_run[@]}") ;;
test) want=("${pkgs_test[@]}") ;;
bench) want=("${pkgs_bench[@]}") ;;
*)
	echo "usage: tools/deps.sh [build|run|test|bench]" >&2
	exit 2
	;;
esac

if ! command -v dpkg-query >/dev/null; then
	echo "deps.sh: not a Debian/Ubuntu system; install by hand: ${want[*]}" >&2
	exit 0
fi

missing=()
for p in "${want[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "deps.sh: need root or sudo to install: ${missing[*]}" >&2
		exit 1
	}
	sudo=(sudo)
fi

echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends "${missing[@]}"
