/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libiotguard's one error convention. A function that can fail returns a
 * negative errno on failure (0, or a count, on success) and, if the caller
 * passed a struct iotguard_error, says why in it, in words a user can act on.
 * The caller decides what to do with it: print it, log it, or add context
 * and pass it up. Nothing in the library prints, logs or exits.
 * Where the errno alone says all a caller needs (the genetlink client:
 * ENOENT is "module not loaded", EPERM a refusal), a function returns the
 * negative errno and takes no error record.
 */
#ifndef IOTGUARD_ERROR_H
#define IOTGUARD_ERROR_H

#include <stddef.h>

/* Room for two paths and a sentence: messages are truncated, never overflow. */
#define IOTGUARD_ERROR_MAX 1024

struct iotguard_error {
	int code;			/* the negative errno returned; 0 if none */
	char msg[IOTGUARD_ERROR_MAX];
};

/*
 * Record why an operation failed. code is a positive errno (EINVAL for bad
 * input, ENOENT, EACCES...). err may be NULL. Returns -code, so that a
 * failing path reads `return iotguard_fail(err, EINVAL, "...");`.
 */
__attribute__((format(printf, 3, 4)))
int iotguard_fail(struct iotguard_error *err, int code, const char *fmt, ...);

/* As iotguard_fail, with ": " and strerror(code) after the message. */
__attribute__((format(printf, 3, 4)))
int iotguard_fail_errno(struct iotguard_error *err, int code, const char *fmt, ...);

/*
 * Put context before a message already recorded ("policy.conf:12: " before
 * "unknown key"). Returns the recorded negative code, or -EINVAL if none was.
 */
__attribute__((format(printf, 2, 3)))
int iotguard_error_wrap(struct iotguard_error *err, const char *fmt, ...);

/* Forget a recorded error (before a retry whose failure is reported anew). */
void iotguard_error_clear(struct iotguard_error *err);

#endif
