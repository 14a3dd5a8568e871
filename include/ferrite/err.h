/*
 * Error-encoded pointers: a function returning a pointer may return
 * ERR_PTR(-errno) instead; the top 4095 addresses are never valid objects.
 */
#ifndef FERRITE_ERR_H
#define FERRITE_ERR_H

#include <ferrite/compiler.h>

#define MAX_ERRNO 4095

static inline void *ERR_PTR(long err)
{
	return (void *)err;
}

static inline long PTR_ERR(const void *p)
{
	return (long)p;
}

static inline bool IS_ERR(const void *p)
{
	return (uintptr_t)p >= (uintptr_t)-MAX_ERRNO;
}

static inline bool IS_ERR_OR_NULL(const void *p)
{
	return !p || IS_ERR(p);
}

#endif
