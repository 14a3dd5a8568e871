/*
 * Character devices and the device filesystem: the memory devices
 * (drivers/char/mem.c), the random devices (drivers/char/random.c), the
 * console terminal (drivers/tty/) and devtmpfs (fs/devfs/).
 */
#ifndef FERRITE_DEVICES_H
#define FERRITE_DEVICES_H

/*
 * Register the character devices, seed the random generator, start the
 * console terminal and register "devtmpfs". After vfs_init(), before
 * the initramfs is unpacked (drivers/char/mem.c).
 */
void devices_init(void);

/*
 * Mount devtmpfs on /dev and proc on /proc, making the directories if
 * needed. After initramfs_unpack(), before init starts (fs/devfs/).
 */
void devices_mount(void);

/* Pieces of devices_init(); 0 or -errno. */
int mem_register_devices(void);
int random_register_devices(void);
int tty_register_devices(void);
int devtmpfs_init(void);

#endif
