/* SPDX-License-Identifier: MIT */
/* gen_checks_doc — print docs/checks.md from the one check table. */
#include <stdio.h>

#include "lgkit/lgkit.h"

int main(void)
{
	static const char *const sections[] = {"A. Device page", "B. Virtqueue configuration and placement",
					       "C. Ring state",
					       "D. Eras before E2: 2.6.23 slots (E0), 2.6.24 fields (E1)"};
	printf("# lgkit checks\n\n"
	       "Generated from `lib/include/lgkit/checks.def` by the build; do not edit.\n"
	       "Change a check's severity with `-W NAME` (warning), `-E NAME` (error) or\n"
	       "`-W no-NAME` (off). A check whose prerequisite fired for the same item reports\n"
	       "nothing for it.  Each check has an anchor of its name (checks.md#vq_num_pow2): the\n"
	       "`helpUri` of lgcheck's SARIF rules.\n");
	for (int s = 0; s < 4; s++) {
		printf("\n## %s\n\n| name | severity | prerequisites | fires when |\n|---|---|---|---|\n",
		       sections[s]);
		for (int i = 0; i < LG_CHECK_COUNT; i++) {
			const struct lg_check_info *ci = lg_check_info((enum lg_check_id)i);
			if (ci->section != 'A' + s)
				continue;
			printf("| <a id=\"%s\"></a>`%s` | %s | %s | %s |\n", ci->name, ci->name, lg_severity_name(ci->severity),
			       ci->prereq[0] ? ci->prereq : "—", ci->summary);
		}
	}
	return 0;
}
