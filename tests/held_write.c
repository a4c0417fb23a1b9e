// SPDX-License-Identifier: GPL-2.0
/* A write to a pinned BPF map held in progress by a userfaultfd (held_write.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/userfaultfd.h>
#include <bpf/bpf.h>
#include "held_write.h"

static void *held_write_run(void *arg)
{
	struct held_write *h = arg;
	__u32 key = 0;

	h->ret = bpf_map_update_elem(h->map_fd, &key, h->page, BPF_ANY) ? -errno : 0;
	return NULL;
}

int hold_write(struct held_write *h, const char *pin)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct pollfd pfd;

	h->page_size = (size_t)sysconf(_SC_PAGESIZE);
	h->map_fd = bpf_obj_get(pin);
	h->uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
	if (h->map_fd < 0 || h->uffd < 0 || ioctl(h->uffd, UFFDIO_API, &api))
		return -errno;
	h->page = mmap(NULL, h->page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h->page == MAP_FAILED)
		return -errno;
	reg.range.start = (unsigned long)h->page;
	reg.range.len = h->page_size;
	if (ioctl(h->uffd, UFFDIO_REGISTER, &reg) ||
	    pthread_create(&h->thread, NULL, held_write_run, h))
		return -errno;
	/* The fault arriving is the write in progress. */
	pfd = (struct pollfd){ .fd = h->uffd, .events = POLLIN };
	return poll(&pfd, 1, 10000) == 1 ? 0 : -ETIMEDOUT;
}

int release_write(struct held_write *h, const void *value, size_t size)
{
	char *src = calloc(1, h->page_size);
	struct uffdio_copy copy = {
		.dst = (unsigned long)h->page, .src = (unsigned long)src, .len = h->page_size,
	};
	int ret;

	if (!src)
		return -ENOMEM;
	memcpy(src, value, size);
	ret = ioctl(h->uffd, UFFDIO_COPY, &copy) ? -errno : 0;
	pthread_join(h->thread, NULL);
	free(src);
	close(h->uffd);
	close(h->map_fd);
	munmap(h->page, h->page_size);
	return ret ? ret : h->ret;
}
