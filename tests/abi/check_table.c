/* SPDX-License-Identifier: MIT */
/* check_table — the check table keeps its promises.
 *  - Ids are append-only: every name=number of tests/abi/check_ids.txt (argv[1]) is still
 *    the library's, the list numbers 0, 1, 2, ... and covers every check.
 *  - The engine can run it: each prerequisite stands earlier in the table; a prerequisite
 *    looks at the same items, at what holds them, or at what lies inside them (never a
 *    sibling: a FIELD and a VQ, a CHAIN and a USED element); entries sharing a run
 *    function stand together. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgkit/lgkit.h"
#include "../unit/testutil.h"

#include "check_rows.h"
#define NROWS LG_CHECK_NROWS

static size_t pos_of(enum lg_check_id id)
{
	for (size_t i = 0; i < NROWS; i++)
		if (lg_check_rows[i].id == id)
			return i;
	return NROWS;
}

/* 0 page, 1 device, 2 field/vq/ring, 3 chain/used; the family tells siblings apart. */
static int rank(const char *s)
{
	if (!strcmp(s, "PAGE"))
		return 0;
	if (!strcmp(s, "DEVICE"))
		return 1;
	if (!strcmp(s, "FIELD") || !strcmp(s, "VQ") || !strcmp(s, "RING"))
		return 2;
	return 3;
}

static char family(const char *s)
{
	return !strcmp(s, "FIELD") ? 'F' : !strcmp(s, "USED") ? 'U' : 'V';
}

static void test_ids(const char *path)
{
	FILE *f = fopen(path, "r");
	EXPECT(f != NULL, "cannot open %s", path);
	if (!f)
		return;
	char line[256];
	unsigned want = 0;
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		char *eq = strchr(line, '=');
		EXPECT(eq != NULL, "line without '=': %s", line);
		if (!eq)
			continue;
		*eq = 0;
		unsigned num = (unsigned)strtoul(eq + 1, NULL, 10);
		EXPECT(num == want, "%s=%u: the list numbers in order, expected %u", line, num, want);
		EXPECT(lg_check_lookup(line) == (int)num, "check %s is %d in the library, %u in %s",
		       line, lg_check_lookup(line), num, path);
		want++;
	}
	fclose(f);
	EXPECT(want == lg_check_count(), "%s lists %u checks, the library has %u: append the new",
	       path, want, lg_check_count());
	EXPECT(NROWS == lg_check_count(), "the table has %zu rows, the library %u", NROWS,
	       lg_check_count());
}

static void test_order(void)
{
	for (size_t i = 0; i < NROWS; i++) {
		const char *name = lg_check_info(lg_check_rows[i].id)->name;
		int p;
		for (unsigned k = 0; (p = lg_check_prereq(lg_check_rows[i].id, k)) >= 0; k++) {
			size_t pp = pos_of((enum lg_check_id)p);
			const char *pn = lg_check_info((enum lg_check_id)p)->name;
			EXPECT(pp < i, "%s: prerequisite %s stands after it", name, pn);
			if (pp >= NROWS)
				continue;
			int rx = rank(lg_check_rows[i].scope), rp = rank(lg_check_rows[pp].scope);
			bool ok = rp < rx ? rp < 2 || family(lg_check_rows[pp].scope) == 'V'
				: rp == rx ? rp < 2 || family(lg_check_rows[pp].scope) == family(lg_check_rows[i].scope)
					   : rp < 3;
			EXPECT(ok, "%s (%s): prerequisite %s (%s) is neither the same item, nor what "
				   "holds it, nor what lies in it",
			       name, lg_check_rows[i].scope, pn, lg_check_rows[pp].scope);
		}
		/* A run function shared with an earlier row: that row is the one just before. */
		for (size_t j = 0; j + 1 < i; j++)
			EXPECT(strcmp(lg_check_rows[j].run, lg_check_rows[i].run) != 0 ||
				       !strcmp(lg_check_rows[i - 1].run, lg_check_rows[i].run),
			       "%s: run %s is shared with a row that does not stand before it", name,
			       lg_check_rows[i].run);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: check_table CHECK_IDS_TXT\n");
		return 2;
	}
	test_ids(argv[1]);
	test_order();
	return t_done("check_table");
}
