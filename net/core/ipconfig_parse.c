/*
 * Parsing of ip= (Linux's nfsroot format) and dotted-quad addresses. Pure
 * string work with no lwIP in sight, so the host unit tests build it
 * (tests/unit/test_ipconfig.c); net/core/ipconfig.c applies the result.
 */
#include <ferrite/net.h>
#include <ferrite/compiler.h>
#include <ferrite/errno.h>
#include <ferrite/string.h>

int ipconfig_parse_addr(const char *s, size_t len, u32 *out)
{
	u8 b[4];
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned int v = 0, digits = 0;

		if (part) {
			if (i >= len || s[i] != '.')
				return -EINVAL;
			i++;
		}
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			v = v * 10 + (unsigned int)(s[i++] - '0');
			if (++digits > 3 || v > 255)
				return -EINVAL;
		}
		if (!digits)
			return -EINVAL;
		b[part] = (u8)v;
	}
	if (i != len)
		return -EINVAL;
	memcpy(out, b, 4);
	return 0;
}

u32 ipconfig_class_netmask(u32 addr)
{
	const u8 *b = (const u8 *)&addr;
	static const u8 masks[4][4] = {
		{ 255, 0, 0, 0 }, { 255, 255, 0, 0 }, { 255, 255, 255, 0 },
		{ 0, 0, 0, 0 },
	};
	int class;
	u32 m;

	if (b[0] == 0 || addr == 0xffffffffu)	/* zeronet, broadcast */
		return 0;
	if (!(b[0] & 0x80))
		class = 0;
	else if ((b[0] & 0xc0) == 0x80)
		class = 1;
	else if ((b[0] & 0xe0) == 0xc0)
		class = 2;
	else
		class = 3;			/* multicast, reserved */
	memcpy(&m, masks[class], 4);
	return m;
}

/* Linux accepts these words for "configure automatically". */
static bool is_auto_word(const char *s, size_t len)
{
	static const char *const words[] = {
		"on", "any", "dhcp", "bootp", "both",
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(words); i++)
		if (strlen(words[i]) == len && !strncmp(s, words[i], len))
			return true;
	return false;
}

static bool is_off_word(const char *s, size_t len)
{
	return (len == 3 && !strncmp(s, "off", 3)) ||
	       (len == 4 && !strncmp(s, "none", 4));
}

int ipconfig_parse(const char *s, struct ipconfig *out)
{
	/* client:server:gw:netmask:hostname:device:autoconf[:dns0:dns1:ntp] */
	enum { F_CLIENT, F_SERVER, F_GW, F_MASK, F_HOST, F_DEV, F_AUTO };
	bool autoconf_given = false, autoconf = false;
	size_t slen = strlen(s);

	memset(out, 0, sizeof(*out));
	if (is_off_word(s, slen)) {
		out->mode = IPCONFIG_OFF;
		return 0;
	}
	if (is_auto_word(s, slen)) {
		out->mode = IPCONFIG_DHCP;
		return 0;
	}

	for (int field = 0; ; field++) {
		const char *end = strchr(s, ':');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		int err = 0;

		if (len) {
			switch (field) {
			case F_CLIENT:
				err = ipconfig_parse_addr(s, len, &out->addr);
				break;
			case F_SERVER:		/* NFS root server: unused */
			case F_HOST:		/* the hostname is user space's */
				break;
			case F_GW:
				err = ipconfig_parse_addr(s, len, &out->gateway);
				break;
			case F_MASK:
				err = ipconfig_parse_addr(s, len, &out->netmask);
				break;
			case F_DEV:
				if (len >= sizeof(out->device))
					return -EINVAL;
				memcpy(out->device, s, len);
				out->device[len] = '\0';
				break;
			case F_AUTO:
				autoconf_given = true;
				if (is_auto_word(s, len))
					autoconf = true;
				else if (!is_off_word(s, len))
					return -EINVAL;	/* rarp, or a typo */
				break;
			default:		/* DNS and NTP servers: user space's */
				break;
			}
			if (err)
				return err;
		}
		if (!end)
			break;
		s = end + 1;
	}

	/* Like Linux: without an address (or when asked) configure by DHCP;
	 * "off" without an address leaves the interface alone. */
	if (autoconf || (!autoconf_given && !out->addr))
		out->mode = IPCONFIG_DHCP;
	else if (out->addr)
		out->mode = IPCONFIG_STATIC;
	else
		out->mode = IPCONFIG_OFF;
	return 0;
}
