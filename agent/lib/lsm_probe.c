// SPDX-License-Identifier: GPL-2.0
/* Probing whether this kernel can attach BPF LSM programs: by trying, not by its version. */
#include <errno.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lsm_probe.h"

int bpf_lsm_attach_probe(void)
{
	/* r0 = 0; exit: every open() allowed, for the moment it is attached. */
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_LSM_MAC);
	int btf_id, prog, link;

	btf_id = libbpf_find_vmlinux_btf_id("file_open", BPF_LSM_MAC);
	if (btf_id < 0)
		return btf_id;
	opts.attach_btf_id = btf_id;
	prog = bpf_prog_load(BPF_PROG_TYPE_LSM, "iotguard_probe", "GPL", insns,
			     sizeof(insns) / sizeof(insns[0]), &opts);
	if (prog < 0)
		return prog;
	link = bpf_link_create(prog, 0, BPF_LSM_MAC, NULL);
	close(prog);
	if (link < 0)
		return link;
	close(link);
	return 0;
}
