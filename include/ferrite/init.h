/* The portable start of the kernel, entered once the arch code is done. */
#ifndef FERRITE_INIT_H
#define FERRITE_INIT_H

#include <ferrite/compiler.h>

#define FERRITE_VERSION "0.1.0"

__noreturn void kernel_main(void);

struct cmdline;
const struct cmdline *kernel_cmdline(void);	/* parsed at boot, [I] after */

#endif
