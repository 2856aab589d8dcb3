/* SPDX-License-Identifier: MIT */
/* gen_checks_doc — print docs/checks.md from the one check table. */
#include <stdio.h>
#include <string.h>

#include "lgkit/lgkit.h"

#include "check_rows.h"

static const char *scope_text(const char *s)
{
	static const char *const names[][2] = {
		{"PAGE", "the page"},   {"DEVICE", "each descriptor"}, {"FIELD", "each E1 field"},
		{"VQ", "each vqconfig"}, {"RING", "each ring"},          {"CHAIN", "each outstanding chain"},
		{"USED", "each used element"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i][0], s) == 0)
			return names[i][1];
	return s;
}

static const char *eras_text(const char *e)
{
	if (strcmp(e, "E012") == 0)
		return "all";
	if (strcmp(e, "E12") == 0)
		return "E1, E2";
	return e;
}

int main(void)
{
	static const char *const sections[] = {"A. Device page", "B. Virtqueue configuration and placement",
					       "C. Ring state",
					       "D. Eras before E2: 2.6.23 slots (E0), 2.6.24 fields (E1)"};
	const size_t nrows = LG_CHECK_NROWS;
	printf("# lgkit checks\n\n"
	       "Generated from `lib/include/lgkit/checks.def` by the build; do not edit.\n"
	       "Change a check's severity with `-W NAME` (warning), `-E NAME` (error) or\n"
	       "`-W no-NAME` (off). Each check has an anchor of its name (checks.md#vq_num_pow2): the\n"
	       "`helpUri` of lgcheck's SARIF rules.\n\n"
	       "The checks run in the order listed, each once for every item it looks at (the page,\n"
	       "each descriptor, each vqconfig, each ring, ...). A check reports nothing for an item\n"
	       "where one of its prerequisites failed: for the item itself, for what holds it (its\n"
	       "device, the page) or for something inside it (a vq of the device). A check that is\n"
	       "turned off still counts as failed where its condition holds, so turning one off never\n"
	       "makes another speak. One broken field gives one finding.\n");
	for (int s = 0; s < 4; s++) {
		printf("\n## %s\n\n| name | severity | for | eras | prerequisites | fires when |\n"
		       "|---|---|---|---|---|---|\n",
		       sections[s]);
		for (size_t r = 0; r < nrows; r++) {
			const struct lg_check_info *ci = lg_check_info(lg_check_rows[r].id);
			if (ci->section != 'A' + s)
				continue;
			printf("| <a id=\"%s\"></a>`%s` | %s | %s | %s | ", ci->name, ci->name,
			       lg_severity_name(ci->severity), scope_text(lg_check_rows[r].scope),
			       eras_text(lg_check_rows[r].eras));
			int p, k = 0;
			while ((p = lg_check_prereq(lg_check_rows[r].id, (unsigned)k)) >= 0) {
				const char *pn = lg_check_info((enum lg_check_id)p)->name;
				printf("%s[%s](#%s)", k++ ? ", " : "", pn, pn);
			}
			printf("%s | %s |\n", k ? "" : "—", ci->summary);
		}
	}
	return 0;
}
