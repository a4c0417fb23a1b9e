// SPDX-License-Identifier: GPL-2.0
/* The library's error record (error.h): set, extend with context, clear. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "error.h"

__attribute__((format(printf, 3, 0)))
static int record(struct iotguard_error *err, int code, const char *fmt, va_list ap)
{
	if (code <= 0)
		code = EINVAL;
	if (err) {
		err->code = -code;
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	}
	return -code;
}

int iotguard_fail(struct iotguard_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = record(err, code, fmt, ap);
	va_end(ap);
	return ret;
}

int iotguard_fail_errno(struct iotguard_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	size_t used;
	int ret;

	va_start(ap, fmt);
	ret = record(err, code, fmt, ap);
	va_end(ap);
	if (err) {
		used = strlen(err->msg);
		snprintf(err->msg + used, sizeof(err->msg) - used, ": %s", strerror(-ret));
	}
	return ret;
}

int iotguard_error_wrap(struct iotguard_error *err, const char *fmt, ...)
{
	char msg[IOTGUARD_ERROR_MAX];
	size_t used, room, len;
	va_list ap;

	if (!err)
		return -EINVAL;
	if (!err->code)
		err->code = -EINVAL;
	memcpy(msg, err->msg, sizeof(msg));
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	/* The message after the context, cut to what is left. */
	used = strlen(err->msg);
	room = sizeof(err->msg) - 1 - used;
	len = strnlen(msg, sizeof(msg) - 1);
	if (len > room)
		len = room;
	memcpy(err->msg + used, msg, len);
	err->msg[used + len] = '\0';
	return err->code;
}

void iotguard_error_clear(struct iotguard_error *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}
