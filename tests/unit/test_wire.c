/* SPDX-License-Identifier: MIT */
/* test_wire — little-endian loads, descriptor sizes, ring geometry, names, errors. */
#include <string.h>

#include "lgkit/lgkit.h"
#include "testutil.h"

int main(void)
{
	const uint8_t b[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88};
	EXPECT(lg_le16(b) == 0x0201, "le16");
	EXPECT(lg_le32(b) == 0x04030201u, "le32");
	EXPECT(lg_le64(b) == 0x8807060504030201ull, "le64");
	uint8_t o[8];
	lg_put64(o, 0x8807060504030201ull);
	EXPECT(memcmp(o, b, 8) == 0, "put64");

	/* Sizes from docs/abi.md §2 and the vectors: console 21, rng 13, block 33, net 39. */
	EXPECT(lg_desc_size(2, 0, 0) == 21, "console");
	EXPECT(lg_desc_size(1, 0, 0) == 13, "rng");
	EXPECT(lg_desc_size(1, 2, 16) == 33, "block");
	EXPECT(lg_desc_size(2, 4, 10) == 39, "net");
	EXPECT(lg_desc_size(255, 255, 255) == 2810, "largest");

	/* vring_size with the 3.0+ event fields (docs/abi.md §5). */
	EXPECT(lg_vring_size(128) == 5126, "128 -> %llu", (unsigned long long)lg_vring_size(128));
	EXPECT(lg_vring_size(256) == 10246, "256 -> %llu", (unsigned long long)lg_vring_size(256));
	EXPECT(lg_vring_size(0) == 0, "0");
	struct lg_ring_geom g;
	lg_ring_geom(256, 0x4001, &g);
	EXPECT(g.desc == 0x4001000 && g.avail == 0x4002000 && g.used == 0x4003000, "geom 256");
	EXPECT(g.end == 0x4001000 + 10246 && g.pages == 3, "end/pages");
	lg_ring_geom(128, 0x2001, &g);
	EXPECT(g.used == 0x2002000 && g.pages == 2, "geom 128");
	lg_ring_geom(32768, 0xffffffffu, &g);
	EXPECT(g.desc == 0xffffffff000ull && g.end > g.desc, "no overflow at the top pfn");

	/* Feature bits: bit b in byte b/8. */
	const uint8_t net[4] = {0xa3, 0x3b, 0x00, 0x18};
	EXPECT(lg_feature_test(net, 4, 5) && lg_feature_test(net, 4, 28), "MAC, INDIRECT");
	EXPECT(!lg_feature_test(net, 4, 2) && !lg_feature_test(net, 4, 40), "absent bits");
	int seen[32], ns = 0;
	for (int f = lg_feature_next(net, 4, 0); f >= 0 && ns < 32; f = lg_feature_next(net, 4, f + 1))
		seen[ns++] = f;
	static const int want[] = {0, 1, 5, 7, 8, 9, 11, 12, 13, 27, 28};
	EXPECT(ns == 11 && memcmp(seen, want, sizeof want) == 0, "lg_feature_next visits every bit");
	EXPECT(lg_feature_next(net, 4, 29) == -1 && lg_feature_next(net, 4, 40) == -1 &&
		       lg_feature_next(net, 0, 0) == -1,
	       "no bit past the last, none in 0 bytes");
	EXPECT(strcmp(lg_feature_name(1, 5), "MAC") == 0, "MAC name");
	EXPECT(strcmp(lg_feature_name(2, 9), "FLUSH") == 0, "FLUSH name");
	EXPECT(strcmp(lg_feature_name(3, 28), "RING_INDIRECT_DESC") == 0, "transport name");
	EXPECT(lg_feature_lookup(2, "SEG_MAX") == 2, "lookup SEG_MAX");
	EXPECT(lg_feature_lookup(2, "NOPE") == LG_ERR_NOTFOUND, "unknown feature");
	EXPECT(lg_type_lookup("console") == 3 && strcmp(lg_type_name(4), "rng") == 0, "types");

	/* Error strings and the check table. */
	EXPECT(strcmp(lg_strerror(LG_ERR_TRUNCATED), "input is truncated") == 0, "strerror");
	EXPECT(strcmp(lg_strerror(12345), "unknown error") == 0, "unknown code");
	EXPECT(lg_check_lookup("vq_num_pow2") == LG_CHK_VQ_NUM_POW2, "lookup check");
	EXPECT(lg_check_lookup("no_such") == LG_ERR_NOTFOUND, "unknown check");
	for (unsigned i = 0; i < lg_check_count(); i++) {
		const struct lg_check_info *ci = lg_check_info((enum lg_check_id)i);
		EXPECT(ci && ci->name && ci->summary, "check %u complete", i);
		/* Every prerequisite is a real check other than itself. */
		int p;
		for (unsigned k = 0; (p = lg_check_prereq((enum lg_check_id)i, k)) >= 0; k++)
			EXPECT((unsigned)p < lg_check_count() && (unsigned)p != i,
			       "%s: prerequisite %d exists", ci->name, p);
		EXPECT(p == LG_ERR_NOTFOUND, "%s: the prerequisite list ends", ci->name);
	}
	EXPECT(lg_check_info((enum lg_check_id)lg_check_count()) == NULL, "no check past the count");
	EXPECT(lg_check_prereq((enum lg_check_id)lg_check_count(), 0) == LG_ERR_PARAM,
	       "prerequisites of no check");

	/* Note encoding round trip. */
	struct lg_note n = {0x4000000, 0x4000000, 0x4013}, m;
	uint8_t d[LG_NOTE_DESC_SIZE];
	lg_note_encode(&n, d);
	EXPECT(lg_note_decode(d, sizeof d, &m) == 0 && m.page_addr == n.page_addr &&
		       m.pfn_limit == 0x4013,
	       "note round trip");
	EXPECT(lg_note_decode(d, 8, &m) == LG_ERR_TRUNCATED, "short note");
	return t_done("test_wire");
}
