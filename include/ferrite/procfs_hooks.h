/*
 * What procfs needs from outside fs/: accessors that do not exist
 * elsewhere yet. Each says who provides it.
 */
#ifndef FERRITE_PROCFS_HOOKS_H
#define FERRITE_PROCFS_HOOKS_H

#include <ferrite/types.h>

/*
 * /proc/cpuinfo in the architecture's format (arch/x86_64/cpuinfo.c).
 * Like snprintf: writes at most @len bytes (buf may be NULL when len is
 * 0) and returns the length the whole text needs.
 */
int arch_cpuinfo_show(char *buf, size_t len);

#endif
