/*
 * lwIP's hooks into Ferrite (LWIP_HOOK_FILENAME in lwipopts.h): lwIP
 * includes this where it calls them.
 */
#ifndef FERRITE_LWIP_HOOKS_H
#define FERRITE_LWIP_HOOKS_H

struct pbuf;
struct netif;

/* net/inet/tcp_input.c: Linux's TCP input rules lwIP lacks. Non-zero
 * when the packet was eaten (freed). */
int inet_ip4_input_hook(struct pbuf *p, struct netif *inp);
#define LWIP_HOOK_IP4_INPUT(p, inp)	inet_ip4_input_hook((p), (inp))

#endif
