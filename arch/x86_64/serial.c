/*
 * 16550 UART console on the legacy COM ports. Output is polled: the
 * console must work from the first line of C through a panic, with
 * interrupts off and no allocator. Input comes by interrupt and goes to
 * the tty layer (serial_set_rx_handler).
 */
#include <ferrite/printk.h>
#include <ferrite/errno.h>
#include <asm/x86.h>
#include <ferrite/tty.h>
#include <asm/platform_serial.h>

#define UART_DATA	0	/* DLAB=0: transmit/receive */
#define UART_IER	1	/* DLAB=0: interrupt enable */
#define UART_DLL	0	/* DLAB=1: divisor low */
#define UART_DLM	1	/* DLAB=1: divisor high */
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define LSR_DR		0x01	/* receive data ready */
#define LSR_THRE	0x20	/* transmit holding register empty */
#define IER_RDI		0x01	/* interrupt on received data */
#define MCR_DTR_RTS	0x03
#define MCR_OUT2	0x08	/* gates the IRQ line on PC boards */
#define LCR_DLAB	0x80
#define LCR_8N1		0x03

/* Bounded wait so a missing UART costs little instead of hanging boot. */
#define UART_SPIN_LIMIT	100000

#define UART_FIFO_SIZE	16	/* 16550A transmit FIFO */

/*
 * [console lock] uart_base is 0 when absent. fifo_room counts bytes we may
 * still write without polling: THRE set means the transmit FIFO is empty,
 * so one status read buys 16 writes. Under emulation every port access is
 * expensive, and this halves them.
 */
static u16 uart_base;
static unsigned int fifo_room;

static void uart_putc(u16 base, char c)
{
	unsigned int spins = 0;

	if (!fifo_room) {
		while (!(inb(base + UART_LSR) & LSR_THRE) &&
		       spins++ < UART_SPIN_LIMIT)
			;
		fifo_room = UART_FIFO_SIZE;
	}
	fifo_room--;
	outb(base + UART_DATA, (u8)c);
}

static void serial_write(struct console *con, const char *s, size_t len)
{
	u16 base = READ_ONCE(uart_base);

	if (!base)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc(base, '\r');
		uart_putc(base, s[i]);
	}
}

static struct console serial_console = {
	.name = "ttyS",
	.write = serial_write,
};

static void uart_setup(u16 base)
{
	outb(base + UART_IER, 0x00);		/* polled for now */
	outb(base + UART_LCR, LCR_DLAB);
	outb(base + UART_DLL, 1);		/* 115200 baud */
	outb(base + UART_DLM, 0);
	outb(base + UART_LCR, LCR_8N1);
	outb(base + UART_FCR, 0x07);		/* enable + clear FIFOs */
	outb(base + UART_MCR, 0x03);		/* DTR | RTS */
	fifo_room = 0;
}

static const u16 com_ports[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

/* Bring up COM1 as the console; called before anything else prints. */
void serial_init(void)
{
	uart_base = com_ports[0];
	uart_setup(uart_base);
	console_register(&serial_console);
}

/* console=ttyS<n>: move the console to COM<n+1>. -EINVAL if unknown. */
int serial_select(unsigned int index)
{
	if (index >= ARRAY_SIZE(com_ports))
		return -EINVAL;
	uart_setup(com_ports[index]);
	WRITE_ONCE(uart_base, com_ports[index]);
	return 0;
}

/*
 * Raw output for the tty (the line discipline did its own newline
 * processing). Interrupts are off so a printk from an interrupt cannot
 * interleave with a half-written chunk or race on fifo_room.
 */
void serial_tx(const u8 *buf, size_t len)
{
	u16 base = READ_ONCE(uart_base);

	if (!base)
		return;
	while (len) {
		size_t n = MIN(len, (size_t)64);
		unsigned long flags = arch_irq_save();

		for (size_t i = 0; i < n; i++)
			uart_putc(base, (char)buf[i]);
		arch_irq_restore(flags);
		buf += n;
		len -= n;
	}
}

/* [I] once the interrupt is enabled. */
static void (*rx_handler)(u8 byte);

/* Drain the receive FIFO; bounded in case the device is stuck. */
static void serial_interrupt(struct trap_frame *tf, void *data)
{
	u16 base = READ_ONCE(uart_base);

	for (int n = 0; base && n < 256 && (inb(base + UART_LSR) & LSR_DR); n++) {
		u8 c = inb(base + UART_DATA);

		if (rx_handler)
			rx_handler(c);
	}
	lapic_eoi();
}

void serial_set_rx_handler(void (*fn)(u8 byte))
{
	u16 base = READ_ONCE(uart_base);
	/* COM1 and COM3 share IRQ 4, COM2 and COM4 IRQ 3. */
	unsigned int irq = (base == 0x3f8 || base == 0x3e8) ? 4 : 3;
	u8 vector = (u8)(IRQ_VECTOR_BASE + irq);
	int err;

	if (!base)
		return;
	rx_handler = fn;
	err = x86_set_irq_handler(vector, serial_interrupt, NULL);
	if (!err) {
		err = ioapic_route(irq, vector, false, false);
		if (err)
			x86_set_irq_handler(vector, NULL, NULL);
	}
	if (err) {
		pr_err("serial: no receive interrupt (irq %u): %d\n", irq, err);
		return;
	}
	outb(base + UART_MCR, MCR_DTR_RTS | MCR_OUT2);
	outb(base + UART_IER, IER_RDI);
	/* Bytes typed before now would not raise a new interrupt. */
	while (inb(base + UART_LSR) & LSR_DR)
		fn(inb(base + UART_DATA));
}
