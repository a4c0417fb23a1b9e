// SPDX-License-Identifier: GPL-2.0
/*
 * What the running kernel shows of its requirements (kernel_req.h): the
 * active LSMs, its BTF, the filesystems it registered, its release and
 * architecture. Each read only reports; a file that is missing is a fact.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "kernel_req.h"

/* A filesystem type the kernel registered ("nodev\tcgroup2"). */
static bool registered(const char *fstype)
{
	char line[128];
	bool found = false;
	FILE *f = fopen("/proc/filesystems", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *name = strrchr(line, '\t');

		line[strcspn(line, "\n")] = '\0';
		found = !strcmp(name ? name + 1 : line, fstype);
	}
	fclose(f);
	return found;
}

/* uname's machine as the kernel's arch/ directory names it. */
static void arch_of(const char *machine, char *arch, size_t size)
{
	if (!strcmp(machine, "x86_64") || !strcmp(machine, "i686") || !strcmp(machine, "i386"))
		machine = "x86";
	else if (!strcmp(machine, "aarch64"))
		machine = "arm64";
	else if (!strncmp(machine, "arm", 3))
		machine = "arm";
	snprintf(arch, size, "%.31s", machine);
}

void kreq_read_live(struct kreq_facts *facts)
{
	struct utsname u;
	FILE *f;

	facts->live = true;
	f = fopen("/sys/kernel/security/lsm", "r");
	facts->lsm_read = f && fgets(facts->lsm, sizeof(facts->lsm), f);
	if (f)
		fclose(f);
	facts->lsm[facts->lsm_read ? strcspn(facts->lsm, "\n") : 0] = '\0';
	facts->btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	facts->bpf_fs = registered("bpf");
	/* Registered means mountable; iotguardd mounts it if nothing has. */
	facts->cgroup2 = registered("cgroup2");
	if (uname(&u) == 0) {
		snprintf(facts->release, sizeof(facts->release), "%s", u.release);
		arch_of(u.machine, facts->arch, sizeof(facts->arch));
	}
}
