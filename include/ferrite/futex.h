/* Futexes (kernel/futex.c): the kernel side besides the futex syscall. */
#ifndef FERRITE_FUTEX_H
#define FERRITE_FUTEX_H

#include <ferrite/uaccess.h>

/* clear_child_tid at exit: wake a waiter on that word (pthread_join). */
void futex_wake_on_exit(user_addr_t uaddr);

#endif
