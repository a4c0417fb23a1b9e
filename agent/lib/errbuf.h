/* SPDX-License-Identifier: GPL-2.0 */
/* Error messages into a caller's fixed buffer (truncated, never overflowed). */
#ifndef IOTGUARD_ERRBUF_H
#define IOTGUARD_ERRBUF_H

#include <stddef.h>

__attribute__((format(printf, 3, 4)))
void errbuf_set(char *buf, size_t len, const char *fmt, ...);

#endif
