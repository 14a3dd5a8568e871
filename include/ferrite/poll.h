/*
 * Readiness for poll/select. A file's f_op->poll reports its current
 * POLL* mask and, while the caller is collecting, registers the wait
 * queues that will signal a change (poll_wait). Files without a poll
 * method are always ready for reading and writing, as on Linux.
 */
#ifndef FERRITE_POLL_H
#define FERRITE_POLL_H

#include <ferrite/wait.h>

#define POLLIN		0x0001
#define POLLPRI		0x0002
#define POLLOUT		0x0004
#define POLLERR		0x0008
#define POLLHUP		0x0010
#define POLLNVAL	0x0020
#define POLLRDNORM	0x0040
#define POLLRDBAND	0x0080
#define POLLWRNORM	0x0100
#define POLLWRBAND	0x0200
#define POLLMSG		0x0400
#define POLLRDHUP	0x2000

#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

struct file;
struct poll_chunk;

/* One registration: the poller's entry on one wait queue. */
struct poll_entry {
	wait_queue_head_t *wq;
	struct wait_entry we;
};

#define POLL_INLINE_ENTRIES 8

/* The caller's table; lives on its stack. Legend: [owner] the polling task. */
struct poll_table {
	bool registering;		/* [owner] first pass only */
	int error;			/* [owner] -ENOMEM if a registration failed */
	unsigned int nr_inline;		/* [owner] */
	struct poll_entry inline_entries[POLL_INLINE_ENTRIES];
	struct poll_chunk *chunks;	/* [owner] overflow, page-sized */
};

/* Called by f_op->poll for every queue whose wake-up may change the mask. */
void poll_wait(struct file *f, wait_queue_head_t *wq, struct poll_table *pt);

/* The mask of @f now (registering on @pt when it is collecting). */
unsigned int vfs_poll(struct file *f, struct poll_table *pt);

#endif
