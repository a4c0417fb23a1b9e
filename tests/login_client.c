// SPDX-License-Identifier: GPL-2.0
/*
 * Demo and test helper (TEST_GEN_PROGS_EXTENDED): try logins and say what
 * happened.
 *   login_client [-s SOURCE] pty|su|telnet|ssh USER [PASSWORD]
 *     one login. Exit status: 0 logged in, 1 refused, 2 broken, 3 reset
 *     (the connection itself was refused).
 *   login_client [-s SOURCE] mirai LIST
 *     a Mirai-style bot: every user:password pair of LIST over telnet, then
 *     over SSH, with a one-line tally per service. Exit status: 0 if no pair
 *     logged in, 1 if one did.
 * SOURCE is the attacker-side address telnet and SSH connect from.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "sessions.h"

#define MAX_PAIRS 256

static enum outcome try_login(const char *how, const char *user, const char *password)
{
	if (!strcmp(how, "pty"))
		return login_on_pty(user, password);
	if (!strcmp(how, "su"))
		return su_to(user);
	if (!strcmp(how, "telnet"))
		return telnet_login(user, password);
	if (!strcmp(how, "ssh"))
		return ssh_login(user, password);
	fprintf(stderr, "login_client: unknown way '%s'\n", how);
	return BROKEN;
}

static int mirai(const char *list)
{
	static const char *const services[] = { "telnet", "ssh" };
	char line[256], users[MAX_PAIRS][64], passwords[MAX_PAIRS][64];
	int pairs = 0, logged_in = 0;
	FILE *f = fopen(list, "r");

	if (!f) {
		perror(list);
		return 2;
	}
	while (pairs < MAX_PAIRS && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || !colon)
			continue;
		*colon = '\0';
		if (strlen(line) >= sizeof(users[0]) || strlen(colon + 1) >= sizeof(passwords[0]))
			continue;
		strcpy(users[pairs], line);
		strcpy(passwords[pairs], colon + 1);
		pairs++;
	}
	fclose(f);
	for (size_t s = 0; s < sizeof(services) / sizeof(services[0]); s++) {
		int count[RESET + 1] = { 0 };

		for (int i = 0; i < pairs; i++)
			count[try_login(services[s], users[i], passwords[i])]++;
		printf("  %-6s %d pairs tried: %d logged in, %d refused by login, "
		       "%d reset by the device, %d broken\n", services[s], pairs,
		       count[LOGGED_IN], count[REFUSED], count[RESET], count[BROKEN]);
		logged_in += count[LOGGED_IN];
	}
	return logged_in ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *how, *user, *password;
	enum outcome result;
	int opt;

	while ((opt = getopt(argc, argv, "s:")) != -1) {
		if (opt != 's')
			goto usage;
		session_source(optarg);
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc < 3 || argc > 4)
		goto usage;
	how = argv[1];
	if (strcmp(how, "pty") && strcmp(how, "su") && setup_network()) {
		fprintf(stderr, "login_client: cannot set up the %s network namespace\n", NETNS);
		return 2;
	}
	if (!strcmp(how, "mirai"))
		return argc == 3 ? mirai(argv[2]) : 2;
	user = argv[2];
	password = argc == 4 ? argv[3] : "";
	result = try_login(how, user, password);
	printf("%-7s %s%s%s: %s\n", how, user, argc == 4 ? " / " : "",
	       argc == 4 ? password : "", outcome_names[result]);
	return result == LOGGED_IN ? 0 : result == REFUSED ? 1 : result == RESET ? 3 : 2;
usage:
	fprintf(stderr, "usage: login_client [-s SOURCE] pty|su|telnet|ssh USER [PASSWORD]\n"
		"       login_client [-s SOURCE] mirai LIST\n");
	return 2;
}
