/* SPDX-License-Identifier: MIT */
/* testutil.h — tiny assertion helpers: a failed expectation prints where and why, and
 * the test exits 1 at the end; 77 means skipped (ctest SKIP_RETURN_CODE). */
#ifndef LGKIT_TESTUTIL_H
#define LGKIT_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>

static int t_failures;
static int t_checks;

#define EXPECT(cond, ...)                                                                        \
	do {                                                                                     \
		t_checks++;                                                                      \
		if (!(cond)) {                                                                   \
			t_failures++;                                                            \
			fprintf(stderr, "%s:%d: FAIL: %s: ", __FILE__, __LINE__, #cond);         \
			fprintf(stderr, __VA_ARGS__);                                            \
			fprintf(stderr, "\n");                                                   \
		}                                                                                \
	} while (0)

static inline int t_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, t_checks, t_failures);
	return t_failures ? 1 : 0;
}

#endif
