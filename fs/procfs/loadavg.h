/*
 * The load average behind /proc/loadavg (loadavg.c): fixed-point values
 * with LOAD_FSHIFT fraction bits, sampled every LOAD_INTERVAL_NS.
 */
#ifndef FS_PROCFS_LOADAVG_H
#define FS_PROCFS_LOADAVG_H

#define LOAD_FSHIFT		11
#define LOAD_FIXED_1		(1UL << LOAD_FSHIFT)
#define LOAD_INTERVAL_NS	(5 * 1000000000ULL)

/* Fold one sample of @active tasks into the 1/5/15-minute averages. */
void loadavg_fold(unsigned long avg[3], unsigned int active);
/* The current averages; loadavg_start() begins sampling. */
void loadavg_get(unsigned long avg[3]);
void loadavg_start(void);

#endif
