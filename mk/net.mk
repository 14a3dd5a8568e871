# The network tests (issue 7): `make dropbear` builds a static dropbear from
# Debian's source package (tools/build_dropbear.sh, cached in
# $(BUILD)/dropbear/); `make net-initramfs` lays out the guest image of
# tools/suites/net.py with the SSH keys and the 1 MiB file it serves, all
# made here in $(BUILD)/net/ and never committed. net-initramfs-linux is
# the same image with Debian's virtio-net modules (for the Linux oracle).

NET_DIR := $(BUILD)/net
DROPBEAR_BIN := $(BUILD)/dropbear/bin
INITRD_NET := $(BUILD)/initramfs-net.cpio.gz
INITRD_NET_LINUX := $(BUILD)/initramfs-net-linux.cpio.gz
NET_INPUTS := $(DROPBEAR_BIN)/STAMP $(NET_DIR)/id_ed25519 \
	$(NET_DIR)/dropbear_ed25519_host_key $(NET_DIR)/www.bin \
	$(BENCH_DIR)/bin/tcpbw

.PHONY: dropbear net-initramfs net-initramfs-linux

dropbear: $(DROPBEAR_BIN)/STAMP

$(DROPBEAR_BIN)/STAMP: tools/build_dropbear.sh
	@BUILD="$(BUILD)" tools/build_dropbear.sh >/dev/null

# The key the host's ssh logs in with (root's authorized_keys in the guest).
$(NET_DIR)/id_ed25519:
	@mkdir -p $(dir $@)
	@echo "  KEYGEN  $@"
	@rm -f $@ $@.pub
	@ssh-keygen -q -t ed25519 -N '' -C ferrite-net-test -f $@

# The guest's host key, in dropbear's own format.
$(NET_DIR)/dropbear_ed25519_host_key: $(DROPBEAR_BIN)/STAMP
	@mkdir -p $(dir $@)
	@echo "  KEYGEN  $@"
	@rm -f $@
	@$(DROPBEAR_BIN)/dropbearkey -t ed25519 -f $@ >/dev/null 2>&1

$(NET_DIR)/www.bin:
	@mkdir -p $(dir $@)
	@head -c 1048576 /dev/urandom >$@.tmp && mv $@.tmp $@

net-initramfs: $(INITRD_NET)
net-initramfs-linux: $(INITRD_NET_LINUX)

$(INITRD_NET): $(NET_INPUTS) tools/mkinitramfs.py
	@echo "  CPIO    $@"
	@$(PYTHON) tools/mkinitramfs.py --layout net --busybox $(BUSYBOX) \
		--build $(BUILD) -o $@

$(INITRD_NET_LINUX): $(NET_INPUTS) tools/mkinitramfs.py
	@[ -f $(BUILD)/linux/vmlinuz ] || BUILD="$(BUILD)" tools/fetch_linux.sh >/dev/null
	@echo "  CPIO    $@"
	@$(PYTHON) tools/mkinitramfs.py --layout net-linux \
		--busybox $(BUSYBOX) --build $(BUILD) -o $@
