// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper (TEST_GEN_PROGS_EXTENDED): exit 0 if PASSWORD verifies
 * against account's hash in /etc/shadow, 1 if not, 2 on error.
 * Usage: verify_password ACCOUNT PASSWORD
 */
#include <crypt.h>
#include <shadow.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct crypt_data data;
	struct spwd *sp;

	if (argc != 3) {
		fprintf(stderr, "usage: verify_password ACCOUNT PASSWORD\n");
		return 2;
	}
	sp = getspnam(argv[1]);
	if (!sp) {
		fprintf(stderr, "verify_password: no shadow entry for %s\n", argv[1]);
		return 2;
	}
	memset(&data, 0, sizeof(data));
	if (!crypt_rn(argv[2], sp->sp_pwdp, &data, sizeof(data)))
		return 1;
	return strcmp(data.output, sp->sp_pwdp) ? 1 : 0;
}
