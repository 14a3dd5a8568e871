/*
 * The legacy 8259A pair. We never use it, but it must be moved off the
 * exception vectors (BIOS leaves IRQ0 on vector 8) and masked, so a stray
 * line cannot deliver a fake exception.
 */
#include <asm/x86.h>

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1

#define ICW1_INIT	0x10
#define ICW1_ICW4	0x01
#define ICW4_8086	0x01

static void pic_out(u16 port, u8 v)
{
	outb(port, v);
	io_delay();	/* old 8259s need time between init words */
}

void pic_disable(void)
{
	pic_out(PIC1_CMD, ICW1_INIT | ICW1_ICW4);
	pic_out(PIC2_CMD, ICW1_INIT | ICW1_ICW4);
	pic_out(PIC1_DATA, IRQ_VECTOR_BASE);		/* ICW2: vector base */
	pic_out(PIC2_DATA, IRQ_VECTOR_BASE + 8);
	pic_out(PIC1_DATA, 1 << 2);			/* ICW3: slave on IRQ2 */
	pic_out(PIC2_DATA, 2);				/* ICW3: cascade id */
	pic_out(PIC1_DATA, ICW4_8086);
	pic_out(PIC2_DATA, ICW4_8086);
	pic_out(PIC1_DATA, 0xff);			/* OCW1: mask all */
	pic_out(PIC2_DATA, 0xff);
}
