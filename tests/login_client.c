// SPDX-License-Identifier: GPL-2.0
/*
 * Demo and test helper (TEST_GEN_PROGS_EXTENDED): try one login and say
 * what happened. Usage: login_client pty|su|telnet|ssh USER [PASSWORD]
 * Exit status: 0 logged in, 1 refused, 2 broken (no session at all).
 */
#include <stdio.h>
#include <string.h>
#include "sessions.h"

int main(int argc, char **argv)
{
	const char *how, *user, *password;
	enum outcome result;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: login_client pty|su|telnet|ssh USER [PASSWORD]\n");
		return 2;
	}
	how = argv[1];
	user = argv[2];
	password = argc == 4 ? argv[3] : "";
	if ((!strcmp(how, "telnet") || !strcmp(how, "ssh")) && setup_network()) {
		fprintf(stderr, "login_client: cannot set up the %s network namespace\n", NETNS);
		return 2;
	}
	if (!strcmp(how, "pty"))
		result = login_on_pty(user, password);
	else if (!strcmp(how, "su"))
		result = su_to(user);
	else if (!strcmp(how, "telnet"))
		result = telnet_login(user, password);
	else if (!strcmp(how, "ssh"))
		result = ssh_login(user, password);
	else {
		fprintf(stderr, "login_client: unknown way '%s'\n", how);
		return 2;
	}
	printf("%-7s %s%s%s: %s\n", how, user, argc == 4 ? " / " : "",
	       argc == 4 ? password : "", outcome_names[result]);
	return result == LOGGED_IN ? 0 : result == REFUSED ? 1 : 2;
}
