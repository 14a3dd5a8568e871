/*
 * Unpacking the initramfs (fs/initramfs.c): newc cpio archives, plain or
 * gzip-compressed, concatenated, into the root filesystem, as Linux does.
 */
#ifndef FERRITE_INITRAMFS_H
#define FERRITE_INITRAMFS_H

#include <ferrite/types.h>

/*
 * Unpack the archive(s) in @data into "/". Errors are logged and the
 * unpacking goes on where it can: what was unpacked stays. Returns 0, or
 * the first error (-EINVAL corrupt, -ENODATA truncated, -ENOMEM, or a
 * filesystem error from creating a member).
 */
int initramfs_unpack(const void *data, size_t len);

#endif
