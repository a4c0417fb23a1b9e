/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A write to a pinned BPF map held in progress, for the lock tests: the
 * kernel will not freeze a map while a write to it is in progress.
 */
#ifndef IOTGUARD_TEST_HELD_WRITE_H
#define IOTGUARD_TEST_HELD_WRITE_H

#include <pthread.h>
#include <stddef.h>

/*
 * A write to a pinned map held in progress: its value sits in a page that
 * faults to a userfaultfd nobody answers until release(). The kernel will
 * not freeze a map while a write to it is in progress.
 */
struct held_write {
	int uffd, map_fd, ret;
	void *page;
	size_t page_size;
	pthread_t thread;
};

/* Start a write of the map pinned at pin's entry 0, held until release_write(): 0 or -errno. */
int hold_write(struct held_write *h, const char *pin);
/* Let the held write finish, writing value (size bytes) after all: its result, 0 or -errno. */
int release_write(struct held_write *h, const void *value, size_t size);

#endif
