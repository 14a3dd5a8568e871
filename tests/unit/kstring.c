/*
 * lib/string.c built for host tests under k_ names (see kstring.h). Link
 * this to use strscpy, kstrtou64, memparse, ... from kernel code on the host.
 */
#define KSTRING_KEEP_MACROS
#include "kstring.h"
#include "../../lib/string.c"
