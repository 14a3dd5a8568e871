/* The proc filesystem (fs/procfs/): registered as "proc" at boot. */
#ifndef FERRITE_PROCFS_H
#define FERRITE_PROCFS_H

/* Register "proc"; 0 or -errno. Called by devices_init(). */
int procfs_init(void);

#endif
