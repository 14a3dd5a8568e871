/*
 * Host tests use lib/string.c under k_-prefixed names, so the kernel's
 * versions never replace the host libc (which ASan and stdio rely on).
 * Names libc lacks (strscpy, kstrto*, memparse) keep their kernel names.
 */
#ifndef KSTRING_H
#define KSTRING_H

#define memcpy k_memcpy
#define memmove k_memmove
#define memset k_memset
#define memcmp k_memcmp
#define memchr k_memchr
#define strlen k_strlen
#define strnlen k_strnlen
#define strcmp k_strcmp
#define strncmp k_strncmp
#define strchr k_strchr
#define strrchr k_strrchr
#define strstr k_strstr
#define strlcpy k_strlcpy

#include <ferrite/string.h>

/* kstring.c keeps the renaming on while it compiles lib/string.c. */
#ifndef KSTRING_KEEP_MACROS
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strstr
#undef strlcpy
#endif

#endif
