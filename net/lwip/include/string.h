/*
 * <string.h> for lwIP's sources: the kernel's string routines. Only on the
 * include path of lwIP and the net/ files that include lwIP's headers.
 */
#ifndef FERRITE_LWIP_STRING_H
#define FERRITE_LWIP_STRING_H

#include <ferrite/string.h>

#endif
