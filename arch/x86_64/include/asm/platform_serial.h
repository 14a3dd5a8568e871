/* COM-port console (arch/x86_64/serial.c). */
#ifndef ASM_PLATFORM_SERIAL_H
#define ASM_PLATFORM_SERIAL_H

void serial_init(void);
int serial_select(unsigned int index);

#endif
