#!/usr/bin/env bash
# Builds and runs the QEMU command line for booting Ferrite, for people
# (`make run`) and for the test harness (batch mode). Settings come from the
# environment so make variables pass straight through; see docs/testing.md.
#
#   tools/qemu.sh [interactive|batch] [extra QEMU arguments...]
#
# MACHINE=pc|q35|microvm  MEM=128M  ACCEL=tcg|kvm  SMP=1  BOOT=pvh|fcboot
# KERNEL=build/ferrite.elf  INITRD=<file>  APPEND=<command line>
# TIMEOUT=<seconds> (batch mode only; exit status 124 when it expires)
# FCBOOT=build/fcboot.elf  QEMU=qemu-system-x86_64  DRYRUN=1 (print, do not run)
set -euo pipefail

mode=${1:-interactive}
[ $# -gt 0 ] && shift

MACHINE=${MACHINE:-pc}
MEM=${MEM:-128M}
ACCEL=${ACCEL:-tcg}
SMP=${SMP:-1}
BOOT=${BOOT:-pvh}
BUILD=${BUILD:-build}
KERNEL=${KERNEL:-$BUILD/ferrite.elf}
FCBOOT=${FCBOOT:-$BUILD/fcboot.elf}
INITRD=${INITRD:-}
TIMEOUT=${TIMEOUT:-60}
QEMU=${QEMU:-qemu-system-x86_64}

die() {
	echo "qemu.sh: $*" >&2
	exit 2
}

# Size in MiB of a QEMU memory size ("128M", "4G", "512"), for sanity checks.
mem_mib() {
	local v=${1%[MmGg]}
	case $1 in
	*[Gg]) echo $((v * 1024)) ;;
	*) echo "$v" ;;
	esac
}

case $mode in
interactive | batch) ;;
*) die "unknown mode '$mode' (want interactive or batch)" ;;
esac
[[ $MEM =~ ^[0-9]+[MmGg]?$ ]] || die "MEM=$MEM: want a size like 128M or 4G"
[[ $SMP =~ ^[0-9]+$ ]] || die "SMP=$SMP: want a number"
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "TIMEOUT=$TIMEOUT: want seconds"
if [ -z "${DRYRUN:-}" ]; then
	command -v "$QEMU" >/dev/null ||
		die "$QEMU not found (run tools/deps.sh run, or apt-get install qemu-system-x86)"
	[ -f "$KERNEL" ] || die "kernel image $KERNEL not found (run make kernel)"
	[ -z "$INITRD" ] || [ -f "$INITRD" ] || die "initrd $INITRD not found"
fi

args=()
case $MACHINE in
pc | q35) args+=(-M "$MACHINE") ;;
# QEMU 7.2's microvm boots a PVH ELF with its qboot firmware. The legacy
# devices stay on: the console is the ISA 16550 at 0x3f8, the PIT and RTC
# are there for timer calibration, ACPI (default on) offers the power-off
# path, and isa-debug-exit needs the ISA bus.
microvm) args+=(-M "microvm,isa-serial=on,rtc=on,pit=on,pic=on") ;;
*) die "unknown MACHINE=$MACHINE (want pc, q35 or microvm)" ;;
esac

case $ACCEL in
tcg) args+=(-accel tcg -cpu max) ;;
kvm)
	[ -w /dev/kvm ] || die "ACCEL=kvm but /dev/kvm is missing or not writable"
	args+=(-accel kvm -cpu host)
	;;
*) die "unknown ACCEL=$ACCEL (want tcg or kvm)" ;;
esac

# No default NIC: its iPXE option ROM only slows the firmware down, and
# tests that want a network device add their own.
args+=(-m "$MEM" -smp "$SMP" -no-reboot -nic none)
# Present in both modes so "debug_exit" on the command line works anywhere.
args+=(-device "isa-debug-exit,iobase=0xf4,iosize=0x04")

case $BOOT in
pvh) args+=(-kernel "$KERNEL") ;;
fcboot)
	# The stub is the PVH "kernel"; the real kernel sits raw at 64 MiB and
	# the stub loads it the way Firecracker would (tools/fcboot/).
	[ -n "${DRYRUN:-}" ] || [ -f "$FCBOOT" ] ||
		die "$FCBOOT not found (run make fcboot)"
	[ "$(mem_mib "$MEM")" -ge 128 ] || die "BOOT=fcboot needs MEM >= 128M"
	args+=(-kernel "$FCBOOT"
		-device "loader,file=$KERNEL,addr=0x4000000,force-raw=on")
	;;
*) die "unknown BOOT=$BOOT (want pvh or fcboot)" ;;
esac

[ -z "$INITRD" ] || args+=(-initrd "$INITRD")
# Always pass -append (even empty) so QEMU never falls back to stale state.
args+=(-append "${APPEND-}")

if [ "$mode" = interactive ]; then
	# Serial and monitor multiplexed on the terminal: Ctrl-A X quits,
	# Ctrl-A C switches to the monitor.
	args+=(-nographic)
else
	args+=(-display none -monitor none -serial stdio)
fi
args+=("$@")

if [ -n "${DRYRUN:-}" ]; then
	printf '%q ' "$QEMU" "${args[@]}"
	echo
	exit 0
fi

if [ "$mode" = interactive ]; then
	exec "$QEMU" "${args[@]}"
fi
# Batch: no stdin (a terminal must not go raw), and a hard time limit. The
# KILL after a grace period covers a QEMU that ignores SIGTERM.
exec timeout -k 5 "$TIMEOUT" "$QEMU" "${args[@]}" </dev/null
