/*
 * lwIP's operating-system layer for Ferrite. lwIP runs with NO_SYS=1: no
 * lwIP threads, semaphores or mailboxes, so lwIP includes this file only
 * in configurations we do not build; the light protection it still needs
 * (SYS_ARCH_PROTECT) is in arch/cc.h.
 */
#ifndef FERRITE_LWIP_ARCH_SYS_ARCH_H
#define FERRITE_LWIP_ARCH_SYS_ARCH_H

#include "arch/cc.h"

#if !NO_SYS
#error "Ferrite's lwIP port is NO_SYS only: one lock (net_lock), one thread (netd)"
#endif

#endif
