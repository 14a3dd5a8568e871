/*
 * Tests for net/core/ipconfig_parse.c: ip= as Linux documents it (static,
 * dhcp, off, partial field lists), dotted quads, and classful masks.
 */
#include "unit.h"

#include <ferrite/net.h>
#include <ferrite/errno.h>
#include <string.h>

/* A network-order address from its four bytes. */
static u32 A(int a, int b, int c, int d)
{
	u8 x[4] = { (u8)a, (u8)b, (u8)c, (u8)d };
	u32 v;

	memcpy(&v, x, 4);
	return v;
}

static int parse(const char *s, struct ipconfig *c)
{
	memset(c, 0x5a, sizeof(*c));	/* the parser must set every field */
	return ipconfig_parse(s, c);
}

TEST(static_full_line)
{
	struct ipconfig c;

	EXPECT_EQ(parse("10.0.2.15::10.0.2.2:255.255.255.0::eth0:off", &c), 0);
	EXPECT_EQ(c.mode, IPCONFIG_STATIC);
	EXPECT_EQ(c.addr, A(10, 0, 2, 15));
	EXPECT_EQ(c.gateway, A(10, 0, 2, 2));
	EXPECT_EQ(c.netmask, A(255, 255, 255, 0));
	EXPECT_STREQ(c.device, "eth0");
}

TEST(static_with_hostname_server_and_dns)
{
	struct ipconfig c;

	EXPECT_EQ(parse("192.168.1.5:192.168.1.1:192.168.1.254:255.255.0.0:vm1:eth1:none:8.8.8.8", &c), 0);
	EXPECT_EQ(c.mode, IPCONFIG_STATIC);
	EXPECT_EQ(c.addr, A(192, 168, 1, 5));
	EXPECT_EQ(c.gateway, A(192, 168, 1, 254));
	EXPECT_EQ(c.netmask, A(255, 255, 0, 0));
	EXPECT_STREQ(c.device, "eth1");
}

TEST(address_only_is_static_with_class_mask_later)
{
	struct ipconfig c;

	EXPECT_EQ(parse("10.1.2.3", &c), 0);
	EXPECT_EQ(c.mode, IPCONFIG_STATIC);
	EXPECT_EQ(c.addr, A(10, 1, 2, 3));
	EXPECT_EQ(c.gateway, 0);
	EXPECT_EQ(c.netmask, 0);
	EXPECT_STREQ(c.device, "");
}

TEST(dhcp_words)
{
	static const char *const words[] = { "dhcp", "on", "any", "bootp", "both" };
	struct ipconfig c;

	for (unsigned int i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		EXPECT_EQ(parse(words[i], &c), 0);
		EXPECT_EQ(c.mode, IPCONFIG_DHCP);
		EXPECT_EQ(c.addr, 0);
		EXPECT_STREQ(c.device, "");
	}
}

TEST(dhcp_in_autoconf_field_with_device)
{
	struct ipconfig c;

	EXPECT_EQ(parse(":::::eth0:dhcp", &c), 0);
	EXPECT_EQ(c.mode, IPCONFIG_DHCP);
	EXPECT_STREQ(c.device, "eth0");
	/* No address and no autoconf field: DHCP, like Linux. */
	EXPECT_EQ(parse(":::::eth0", &c), 0);
	EXPECT_EQ(c.mode, IPCONFIG_DHCP);
	/* An address and autoconf on: DHCP wins. */
	EXPECT_EQ(parse("10.0.2.15::::::dhcp", &c), 0);
	EXPECT_EQ(c.mode, IPCONFIG_DHCP);
}

TEST(off)
{
	struct ipconfig c;

	EXPECT_EQ(parse("off", &c), 0);
	EXPECT_EQ(c.mode, IPCONFIG_OFF);
	EXPECT_EQ(parse("none", &c), 0);
	EXPECT_EQ(c.mode, IPCONFIG_OFF);
	EXPECT_EQ(parse(":::::eth0:off", &c), 0);
	EXPECT_EQ(c.mode, IPCONFIG_OFF);
}

TEST(malformed)
{
	struct ipconfig c;

	EXPECT_EQ(parse("10.0.2", &c), -EINVAL);
	EXPECT_EQ(parse("10.0.2.256", &c), -EINVAL);
	EXPECT_EQ(parse("10.0.2.1.5", &c), -EINVAL);
	EXPECT_EQ(parse("10.0.2.0015", &c), -EINVAL);
	EXPECT_EQ(parse("10..2.1", &c), -EINVAL);
	EXPECT_EQ(parse("10.0.2.15::x:255.255.255.0", &c), -EINVAL);
	EXPECT_EQ(parse("10.0.2.15:::::averyverylongname0:off", &c), -EINVAL);
	EXPECT_EQ(parse("10.0.2.15::::::rarp", &c), -EINVAL);
	EXPECT_EQ(parse("dhcpx", &c), -EINVAL);
	EXPECT_EQ(parse(" 10.0.2.15", &c), -EINVAL);
}

TEST(parse_addr_bounds)
{
	u32 v = 1;

	EXPECT_EQ(ipconfig_parse_addr("0.0.0.0", 7, &v), 0);
	EXPECT_EQ(v, 0);
	EXPECT_EQ(ipconfig_parse_addr("255.255.255.255", 15, &v), 0);
	EXPECT_EQ(v, 0xffffffffu);
	/* Only @len bytes are read. */
	EXPECT_EQ(ipconfig_parse_addr("1.2.3.45", 7, &v), 0);
	EXPECT_EQ(v, A(1, 2, 3, 4));
	EXPECT_EQ(ipconfig_parse_addr("", 0, &v), -EINVAL);
	EXPECT_EQ(ipconfig_parse_addr("1.2.3.", 6, &v), -EINVAL);
}

TEST(class_masks)
{
	EXPECT_EQ(ipconfig_class_netmask(A(10, 0, 2, 15)), A(255, 0, 0, 0));
	EXPECT_EQ(ipconfig_class_netmask(A(172, 16, 0, 1)), A(255, 255, 0, 0));
	EXPECT_EQ(ipconfig_class_netmask(A(192, 168, 1, 1)), A(255, 255, 255, 0));
	EXPECT_EQ(ipconfig_class_netmask(A(224, 0, 0, 1)), 0);
	EXPECT_EQ(ipconfig_class_netmask(A(0, 1, 2, 3)), 0);
	EXPECT_EQ(ipconfig_class_netmask(A(255, 255, 255, 255)), 0);
}
