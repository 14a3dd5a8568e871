/*
 * reboot: Linux's magic numbers and commands. Power-off and halt both
 * power the VM off (a halted microVM is of no use); restart resets it.
 * Ctrl-Alt-Del settings are accepted and have nothing to change.
 */
#include <ferrite/printk.h>
#include <ferrite/process.h>
#include <ferrite/syscall.h>

#define REBOOT_MAGIC1		0xfee1deadU
#define REBOOT_MAGIC2		672274793U
#define REBOOT_MAGIC2A		85072278U
#define REBOOT_MAGIC2B		369367448U
#define REBOOT_MAGIC2C		537993216U

#define REBOOT_CMD_RESTART	0x01234567U
#define REBOOT_CMD_HALT		0xCDEF0123U
#define REBOOT_CMD_CAD_ON	0x89ABCDEFU
#define REBOOT_CMD_CAD_OFF	0x00000000U
#define REBOOT_CMD_POWER_OFF	0x4321FEDCU
#define REBOOT_CMD_RESTART2	0xA1B2C3D4U

SYSCALL_DEFINE4(reboot, u32, magic1, u32, magic2, u32, cmd,
		user_addr_t, arg)
{
	/* CAP_SYS_BOOT first, then the magic, as Linux orders them. */
	if (current_process()->cred.euid != 0)
		return -EPERM;
	if (magic1 != REBOOT_MAGIC1 ||
	    (magic2 != REBOOT_MAGIC2 && magic2 != REBOOT_MAGIC2A &&
	     magic2 != REBOOT_MAGIC2B && magic2 != REBOOT_MAGIC2C))
		return -EINVAL;
	switch (cmd) {
	case REBOOT_CMD_CAD_ON:
	case REBOOT_CMD_CAD_OFF:
		return 0;
	case REBOOT_CMD_RESTART:
	case REBOOT_CMD_RESTART2:
		pr_emerg("reboot: Restarting system\n");
		arch_reboot();
	case REBOOT_CMD_HALT:
	case REBOOT_CMD_POWER_OFF:
		pr_emerg("reboot: Power down\n");
		arch_poweroff();
	default:
		return -EINVAL;
	}
}
