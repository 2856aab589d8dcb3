/* SPDX-License-Identifier: MIT */
/* fuzz_spec — libFuzzer target for the JSON spec loader.  Any bytes either fail with one
 * message naming the spec, or load; a loaded layout must survive the round trips
 * spec -> model -> JSON -> model (the same model, and the same JSON again) and
 * model -> page -> decoded model -> JSON (the same JSON).  The first input byte picks
 * strict or lax loading, so both paths are explored.  A broken round trip aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "lgkit/emit.h"
#include "lgkit/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                          \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			fprintf(stderr, "fuzz_spec: %s:%d: round trip broken: %s\n", __FILE__,   \
				__LINE__, #cond);                                              \
			abort();                                                               \
		}                                                                              \
	} while (0)

static void one(const char *text, size_t len, unsigned flags)
{
	struct lg_spec_opts o = {flags, 0};
	struct lg_layout a, b, c;
	struct lg_error err = {0};
	int rc = lg_spec_load(text, len, "fuzz.json", &o, &a, &err);
	if (rc < 0) {
		/* One message, naming the spec. */
		REQUIRE(err.code == rc);
		REQUIRE(strncmp(err.msg, "fuzz.json", 9) == 0);
		REQUIRE(strlen(err.msg) < sizeof err.msg);
		return;
	}
	char *j1 = NULL, *j2 = NULL, *j3 = NULL;
	REQUIRE(lg_spec_dump(&a, &j1) == 0);
	rc = lg_spec_load(j1, strlen(j1), "fuzz.json", &o, &b, &err);
	if (rc < 0)
		fprintf(stderr, "fuzz_spec: reloading the dump failed: %s\n%s", err.msg, j1);
	REQUIRE(rc == 0);
	REQUIRE(lg_layout_same(&a, &b));
	REQUIRE(memcmp(a.page, b.page, LG_PAGE_SIZE) == 0);
	REQUIRE(lg_spec_dump(&b, &j2) == 0);
	REQUIRE(strcmp(j1, j2) == 0);

	/* Through the bytes: the page decodes to the same devices. */
	uint8_t page[LG_PAGE_SIZE];
	REQUIRE(lg_emit_buf(&a, LG_EMIT_PAGE, NULL, page, sizeof page) == 0);
	REQUIRE(memcmp(page, a.page, LG_PAGE_SIZE) == 0);
	REQUIRE(lg_decode_page(page, sizeof page, a.page_addr, &c) == 0);
	c.mem = a.mem;
	c.pfn_limit = a.pfn_limit;
	REQUIRE(lg_layout_same(&a, &c));
	REQUIRE(lg_spec_dump(&c, &j3) == 0);
	REQUIRE(strcmp(j1, j3) == 0);

	/* The area and image sizes are consistent, and checks run to the end. */
	uint64_t sz;
	if (lg_emit_size(&a, LG_EMIT_AREA, &sz) == 0)
		REQUIRE(sz >= LG_PAGE_SIZE && sz % LG_PAGE_SIZE == 0);
	struct lg_check_stats st;
	REQUIRE(lg_check_layout(&a, NULL, NULL, NULL, NULL, &st, NULL) == 0);

	free(j1);
	free(j2);
	free(j3);
	lg_layout_free(&a);
	lg_layout_free(&b);
	lg_layout_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Whole files (seeds) load strictly; the lax path also sees every input. */
	one((const char *)data, size, 0);
	one((const char *)data, size, LG_SPEC_LAX);
	return 0;
}
