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
# NET=user: a virtio-net NIC on QEMU's user-mode network (guest 10.0.2.15,
#   the host's loopback seen as 10.0.2.2); HOSTFWD="tcp:PORT-:GPORT ..."
#   forwards 127.0.0.1:PORT on the host to the guest's GPORT; NET_IP=dhcp
#   (default: "ip=dhcp" is added to APPEND) or none, or a static
#   "ip=<client>:<server>:<gw>:<mask>" form; VIRTIO_MMIO_LEGACY=1 makes
#   microvm's transports version 1 instead of 2; PCAP=file records every
#   frame of the guest's NIC (QEMU's filter-dump) for Wireshark or tcpdump.
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
NET=${NET:-}
HOSTFWD=${HOSTFWD:-}
NET_IP=${NET_IP:-dhcp}
APPEND=${APPEND-}

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

# The network: user-mode (slirp) only, never a tap. Forwarded ports listen
# on the host's loopback alone.
case $NET in
"") ;;
user)
	netdev=user,id=n0
	for fwd in $HOSTFWD; do
		[[ $fwd =~ ^(tcp|udp):(([0-9.]*):)?([0-9]+)-(([0-9.]*):)?([0-9]+)$ ]] ||
			die "HOSTFWD entry '$fwd': want tcp:PORT-:GUESTPORT"
		proto=${BASH_REMATCH[1]} haddr=${BASH_REMATCH[3]:-127.0.0.1}
		netdev+=",hostfwd=$proto:$haddr:${BASH_REMATCH[4]}-${BASH_REMATCH[6]}:${BASH_REMATCH[7]}"
	done
	args+=(-netdev "$netdev")
	[ -z "${PCAP:-}" ] ||
		args+=(-object "filter-dump,id=dump0,netdev=n0,file=$PCAP")
	case $MACHINE in
	pc | q35) args+=(-device "virtio-net-pci,netdev=n0,romfile=") ;;
	microvm)
		args+=(-device "virtio-net-device,netdev=n0")
		[ -n "${VIRTIO_MMIO_LEGACY:-}" ] ||
			args+=(-global virtio-mmio.force-legacy=false)
		# With ACPI on (our microvm line), QEMU 7.2 does not add the
		# device to the command line itself (it does so only with
		# acpi=off). Its 24 transports sit at 0xfeb00000 + 512 * i,
		# GSI 24 + i (the second IOAPIC), and the first -device takes
		# the last one. Found with `info qtree`; see docs/testing.md.
		case " $APPEND " in
		*" virtio_mmio.device="*) ;;
		*) APPEND+="${APPEND:+ }virtio_mmio.device=512@0xfeb02e00:47" ;;
		esac
		;;
	esac
	# The kernel configures the interface itself (ip=dhcp or the static
	# form), unless APPEND already says how.
	if [ "$NET_IP" != none ]; then
		case " $APPEND " in
		*" ip="*) ;;
		*) APPEND+="${APPEND:+ }ip=${NET_IP#ip=}" ;;
		esac
	fi
	;;
*) die "unknown NET=$NET (want user)" ;;
esac

[ -z "$INITRD" ] || args+=(-initrd "$INITRD")
# Always pass -append (even empty) so QEMU never falls back to stale state.
args+=(-append "$APPEND")

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
