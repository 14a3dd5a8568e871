/*
 * bench.h: the few helpers every micro-benchmark in user/bench/ shares: the
 * iteration count from argv[1], a monotonic clock, and the one result line
 * tools/bench.py parses ("bench <name> <ns> ns/op <ops> ops").
 */
#ifndef BENCH_H
#define BENCH_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* argv[1] overrides the default count; `make test` passes a tiny one. */
static inline long bench_iters(int argc, char **argv, long dflt)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : dflt;

	return n > 0 ? n : dflt;
}

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A failed call makes the figure meaningless: say which, and exit 1. */
__attribute__((noreturn)) static inline void bench_die(const char *name,
							const char *what)
{
	printf("bench %s FAILED %s: %s\n", name, what, strerror(errno));
	fflush(stdout);
	exit(1);
}

/* Tenths of a nanosecond are printed: TCG and KVM differ by 100x. */
static inline void bench_report(const char *name, uint64_t ns, long ops)
{
	uint64_t tenths = ns * 10 / (uint64_t)(ops > 0 ? ops : 1);

	printf("bench %s %llu.%llu ns/op %ld ops\n", name,
	       (unsigned long long)(tenths / 10),
	       (unsigned long long)(tenths % 10), ops);
	fflush(stdout);
}

#endif
