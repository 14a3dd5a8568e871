# lwIP, the TCP/IP stack under net/ (CONFIG_NET): its sources come from
# Debian's lwip source package, fetched once into $(BUILD)/lwip-src
# (tools/fetch_lwip.sh), or from LWIP_DIR=<a copy of lwIP 2.1.x>. Our port
# headers are in net/lwip/include; the glue is net/core.

# This fragment is read before the Makefile's first rule: keep "all" the
# default goal (restored at the end).
lwip_saved_goal := $(.DEFAULT_GOAL)

# Networking is on unless the .config says "# CONFIG_NET is not set" (an
# older .config without the symbol gets Kconfig's default, y).
NET_DISABLED := $(shell grep -qs '^\# CONFIG_NET is not set' $(KCONFIG_CONFIG) && echo y)

ifeq ($(NET_DISABLED),y)
# Without the stack: no lwIP, no glue, no AF_INET. The socket layer and
# AF_UNIX stay (net/socket.c, net/unix/).
KOBJS := $(filter-out $(BUILD)/net/core/% $(BUILD)/net/inet/% \
	   $(BUILD)/drivers/net/%,$(KOBJS))
else

ifeq ($(LWIP_DIR),)
LWIP_DIR := $(BUILD)/lwip-src
LWIP_STAMP := $(LWIP_DIR)/.fetched
$(LWIP_STAMP):
	@echo "  FETCH   lwip (Debian source package) -> $(LWIP_DIR)"
	@BUILD=$(BUILD) tools/fetch_lwip.sh $(LWIP_DIR) >/dev/null
else
LWIP_STAMP := $(LWIP_DIR)/src/include/lwip/opt.h
$(LWIP_STAMP):
	@echo "LWIP_DIR=$(LWIP_DIR) does not hold lwIP 2.1 sources" >&2; exit 1
endif

# lwIP's core, IPv4 and Ethernet; not api/ (sockets, netconn) nor apps/.
LWIP_SRCS := core/def.c core/inet_chksum.c core/init.c core/ip.c \
	core/mem.c core/memp.c core/netif.c core/pbuf.c core/stats.c \
	core/tcp.c core/tcp_in.c core/tcp_out.c core/timeouts.c core/udp.c \
	core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c \
	core/ipv4/ip4.c core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c \
	netif/ethernet.c
LWIP_OBJS := $(patsubst %,$(BUILD)/lwip/%.o,$(LWIP_SRCS))
LWIP_INC := -I$(LWIP_DIR)/src/include -Inet/lwip/include
# lwIP 2.1.3 compiles without a warning under the kernel's flags; if a
# later lwIP needs relaxing, add the -Wno-* here (lwIP's files only).
LWIP_CFLAGS = $(KCFLAGS) $(LWIP_INC)

KOBJS += $(LWIP_OBJS)

# Every net/ file may include lwIP's headers (the glue, AF_INET).
$(BUILD)/net/%.c.o: KCFLAGS += $(LWIP_INC)
$(filter $(BUILD)/net/%,$(KOBJS)): | $(LWIP_STAMP)

$(BUILD)/lwip/%.c.o: $(LWIP_DIR)/src/%.c $(CONFIG_H) mk/kernel/lwip.mk
	@mkdir -p $(dir $@)
	@echo "  CC      lwip/$*.c"
	@$(CC) $(LWIP_CFLAGS) -c $< -o $@

# The sources appear when the stamp is made (first build of a clone).
# Precious: make must not take them for intermediate files and delete them.
$(LWIP_DIR)/src/%.c: | $(LWIP_STAMP)
	@test -f $@ || { echo "lwip: $@ missing; remove $(LWIP_STAMP) to fetch again" >&2; exit 1; }
.PRECIOUS: $(LWIP_DIR)/src/%.c

# Their .d files are read by the Makefile with every other KOBJS one.
endif

.DEFAULT_GOAL := $(lwip_saved_goal)
