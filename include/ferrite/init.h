/* The portable start of the kernel, entered once the arch code is done. */
#ifndef FERRITE_INIT_H
#define FERRITE_INIT_H

#include <ferrite/compiler.h>

#define FERRITE_VERSION "0.1.0"

__noreturn void kernel_main(void);

struct cmdline;
const struct cmdline *kernel_cmdline(void);	/* parsed at boot, [I] after */

/*
 * Initcalls: subsystems and drivers that main.c need not know by name.
 * kernel_main runs them once, after the VFS and the character devices are
 * up and before init starts, in level order (then link order within a
 * level). A failing initcall logs its error; the boot goes on without it.
 *   INITCALL_SUBSYS  core services others register with (the net stack)
 *   INITCALL_DEVICE  bus scans and drivers (PCI, virtio)
 *   INITCALL_LATE    what needs devices (interface configuration, DHCP)
 */
typedef int (*initcall_t)(void);
#define INITCALL_SUBSYS	"4"
#define INITCALL_DEVICE	"6"
#define INITCALL_LATE	"8"
#define initcall(level, fn)						\
	static const initcall_t __initcall_##fn __used			\
	__attribute__((section(".initcall." level))) = fn
void do_initcalls(void);

#endif
