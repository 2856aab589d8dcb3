/* SPDX-License-Identifier: MIT */
/* test_spec — the JSON spec loader and dumper: defaults allocated as the Launcher did,
 * exact messages for representative mistakes, lax loading, and the dump format. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lgkit/emit.h"
#include "lgkit/spec.h"
#include "testutil.h"

static int load(const char *text, unsigned flags, struct lg_layout *l, struct lg_error *err)
{
	struct lg_spec_opts o = {flags, 0};
	memset(err, 0, sizeof *err);
	return lg_spec_load(text, strlen(text), "t.json", &o, l, err);
}

/* The spec must fail with exactly this code and message. */
static void expect_error(int line, const char *text, int code, const char *msg)
{
	struct lg_layout l;
	struct lg_error err;
	int rc = load(text, 0, &l, &err);
	EXPECT(rc == code, "line %d: rc %d (%s), expected %d", line, rc, err.msg, code);
	EXPECT(strcmp(err.msg, msg) == 0, "line %d:\n  got      '%s'\n  expected '%s'", line,
	       err.msg, msg);
	if (rc == 0)
		lg_layout_free(&l);
}
#define ERR(text, code, msg) expect_error(__LINE__, text, code, msg)

static void test_allocation(void)
{
	struct lg_layout l;
	struct lg_error err;
	int rc = load("{\"mem\": \"32M\", \"devices\": ["
		      "{\"type\": \"block\", \"queues\": [{\"num\": 256}], \"features\": "
		      "[\"SEG_MAX\", \"FLUSH\"], \"config\": {\"capacity\": 2048, \"seg_max\": 254}},"
		      "{\"type\": \"rng\", \"queues\": [{\"num\": 256}]},"
		      "{\"type\": \"console\", \"queues\": [{\"num\": 256}, {\"num\": 256}]}]}",
		      0, &l, &err);
	EXPECT(rc == 0, "%s", err.msg);
	if (rc)
		return;
	EXPECT(l.mem == 0x2000000 && l.page_addr == 0x2000000, "mem %#llx page %#llx",
	       (unsigned long long)l.mem, (unsigned long long)l.page_addr);
	EXPECT(l.ndev == 3, "ndev %zu", l.ndev);
	/* Rings 3 pages each, right after the page, irqs from 1 (docs/abi.md §3). */
	EXPECT(l.dev[0].vq[0].pfn == 0x2001 && l.dev[0].vq[0].irq == 1, "block vq0");
	EXPECT(l.dev[1].vq[0].pfn == 0x2004 && l.dev[1].vq[0].irq == 2, "rng vq0");
	EXPECT(l.dev[2].vq[0].pfn == 0x2007 && l.dev[2].vq[0].irq == 3, "console vq0");
	EXPECT(l.dev[2].vq[1].pfn == 0x200a && l.dev[2].vq[1].irq == 4, "console vq1");
	EXPECT(l.pfn_limit == 0x200d, "pfn_limit %#llx", (unsigned long long)l.pfn_limit);
	/* The real block device: feature bytes 04 02, config_len 16, seg_max at 12. */
	EXPECT(l.dev[0].feature_len == 2 && l.dev[0].host_features[0] == 0x04 &&
		       l.dev[0].host_features[1] == 0x02,
	       "block features");
	EXPECT(l.dev[0].config_len == 16 && l.dev[0].config[1] == 0x08 &&
		       l.dev[0].config[12] == 254,
	       "block config");
	EXPECT(l.dev[1].offset == 33 && l.dev[2].offset == 46 && l.end == 67 && l.terminated,
	       "offsets %u %u end %u", l.dev[1].offset, l.dev[2].offset, l.end);
	EXPECT(l.page[0] == 2 && l.page[33] == 4 && l.page[46] == 3 && l.page[67] == 0, "page");
	struct lg_check_stats st;
	EXPECT(lg_check_layout(&l, NULL, NULL, NULL, NULL, &st, NULL) == 0 && st.errors == 0 &&
		       st.warnings == 0 && st.notes == 0,
	       "checks: %u errors %u warnings %u notes", st.errors, st.warnings, st.notes);
	lg_layout_free(&l);

	/* An explicit pfn or irq: the next queue continues after it. */
	rc = load("{\"mem\": 33554432, \"devices\": [{\"type\": \"console\", \"queues\": ["
		  "{\"num\": 128, \"irq\": 10}, {\"num\": 256, \"pfn\": \"0x3000\"}, {\"num\": 16}, "
		  "{\"num\": 16}]}]}",
		  0, &l, &err);
	EXPECT(rc == 0, "%s", err.msg);
	if (rc)
		return;
	EXPECT(l.dev[0].vq[0].pfn == 0x2001 && l.dev[0].vq[0].irq == 10, "vq0 %#x %u",
	       l.dev[0].vq[0].pfn, l.dev[0].vq[0].irq);
	EXPECT(l.dev[0].vq[1].pfn == 0x3000 && l.dev[0].vq[1].irq == 11, "vq1 %#x %u",
	       l.dev[0].vq[1].pfn, l.dev[0].vq[1].irq);
	EXPECT(l.dev[0].vq[2].pfn == 0x3003 && l.dev[0].vq[2].irq == 12, "vq2 %#x %u",
	       l.dev[0].vq[2].pfn, l.dev[0].vq[2].irq);
	/* num 16: vring_size 16*16 + 2*19 -> 4096, + 6 + 128 = 2 pages. */
	EXPECT(l.dev[0].vq[3].pfn == 0x3005 && l.pfn_limit == 0x3007, "vq3 %#x limit %#llx",
	       l.dev[0].vq[3].pfn, (unsigned long long)l.pfn_limit);
	lg_layout_free(&l);
}

static void test_values(void)
{
	struct lg_layout l;
	struct lg_error err;
	/* 64-bit values as strings, explicit lengths growing bitmaps and config, hex with
	 * spaces, numeric types and bits, a page above RAM. */
	int rc = load("{\"mem\": \"0x1000000\", \"page_addr\": \"17M\", \"pfn_limit\": 4400,"
		      " \"devices\": [{\"type\": 2, \"queues\": [{\"num\": 1}], \"feature_len\": 4,"
		      " \"features\": [31], \"acked\": [\"RING_INDIRECT_DESC\"], \"status\": 7,"
		      " \"config\": {\"capacity\": \"0xffffffffffffffff\"}, \"config_len\": 20},"
		      " {\"type\": \"balloon\", \"queues\": [], \"config\": {\"hex\": \"de ad be ef\"}}]}",
		      0, &l, &err);
	EXPECT(rc == 0, "%s", err.msg);
	if (rc)
		return;
	EXPECT(l.mem == 0x1000000 && l.page_addr == 0x1100000 && l.pfn_limit == 4400, "addrs");
	const struct lg_device *d = &l.dev[0];
	EXPECT(d->type == 2 && d->feature_len == 4 && d->host_features[3] == 0x80 &&
		       d->guest_features[3] == 0x10 && d->status == 7,
	       "features");
	EXPECT(d->config_len == 20 && lg_le64(d->config) == UINT64_MAX && d->config[19] == 0,
	       "config");
	EXPECT(d->vq[0].pfn == 0x1101 && d->vq[0].num == 1, "pfn %#x", d->vq[0].pfn);
	EXPECT(l.dev[1].type == 5 && l.dev[1].config_len == 4 && l.dev[1].config[0] == 0xde &&
		       l.dev[1].config[3] == 0xef,
	       "hex config");
	lg_layout_free(&l);

	/* mem from the options, overriding the spec. */
	struct lg_spec_opts o = {0, 0x4000000};
	const char *t = "{\"devices\": [{\"type\": \"rng\", \"queues\": [{\"num\": 256}]}]}";
	rc = lg_spec_load(t, strlen(t), "t.json", &o, &l, &err);
	EXPECT(rc == 0 && l.mem == 0x4000000 && l.dev[0].vq[0].pfn == 0x4001, "mem option: %s",
	       err.msg);
	if (rc == 0)
		lg_layout_free(&l);

	/* Lax: ring sizes any u16; the checks then name them. */
	rc = load("{\"mem\": \"32M\", \"devices\": [{\"type\": \"rng\", \"queues\": [{\"num\": 300}]},"
		  " {\"type\": \"rng\", \"queues\": [{\"num\": 0}]}]}",
		  LG_SPEC_LAX, &l, &err);
	EXPECT(rc == 0, "lax: %s", err.msg);
	if (rc == 0) {
		struct lg_check_stats st;
		lg_check_layout(&l, NULL, NULL, NULL, NULL, &st, NULL);
		EXPECT(l.dev[0].vq[0].num == 300 && st.errors >= 2, "lax errors %u", st.errors);
		lg_layout_free(&l);
	}
}

static void test_errors(void)
{
	/* The issue's own example. */
	ERR("{\"mem\": \"32M\", \"devices\": [{\"type\": \"console\", \"queues\": [{\"num\": 256}, "
	    "{\"num\": 256}]}, {\"type\": \"rng\", \"queues\": [{\"num\": 256}]}, {\"type\": "
	    "\"block\", \"queues\": [{\"num\": 300}]}]}",
	    LG_ERR_SPEC, "t.json:1:169: error: "
	    ".devices[2].queues[0].num: expected a power of two, got 300");
	ERR("{\"mem\": \"32M\", \"devices\": [{\"type\": \"rng\", \"queues\": [{\"num\": 0}]}]}",
	    LG_ERR_SPEC,
	    "t.json:1:63: error: "
	    ".devices[0].queues[0].num: expected a power of two from 1 to 32768, got 0");
	ERR("{\"mem\": \"32M\", \"devices\": [{\"type\": \"rng\", \"queues\": [{\"num\": \"256\"}]}]}",
	    LG_ERR_SPEC,
	    "t.json:1:63: error: "
	    ".devices[0].queues[0].num: expected a power of two from 1 to 32768, got "
	    "\"256\"");
	/* Wrong types. */
	ERR("{\"mem\": true, \"devices\": []}", LG_ERR_SPEC,
	    "t.json:1:9: error: "
	    ".mem: expected a size (a number, or a string such as \"32M\" or "
	    "\"0x2000000\"), got true");
	ERR("{\"mem\": \"32M\", \"devices\": {}}", LG_ERR_SPEC,
	    "t.json:1:27: error: "
	    ".devices: expected an array of devices, got an object");
	ERR("{\"mem\": \"32M\", \"devices\": [{\"type\": \"rng\", \"status\": \"7\", \"queues\": []}]}",
	    LG_ERR_SPEC, "t.json:1:54: error: "
	    ".devices[0].status: expected an integer from 0 to 255, got \"7\"");
	ERR("[]", LG_ERR_SPEC,
	    "t.json:1:1: error: "
	    ".: expected an object {\"mem\": …, \"devices\": […]}, got an array");
	/* Out of range. */
	ERR("{\"mem\": \"32M\", \"devices\": [{\"type\": \"rng\", \"queues\": [{\"num\": 1, \"irq\": "
	    "70000}]}]}",
	    LG_ERR_SPEC,
	    "t.json:1:73: error: "
	    ".devices[0].queues[0].irq: expected an integer from 0 to 65535, got 70000");
	ERR("{\"mem\": \"32M\", \"devices\": [{\"type\": \"rng\", \"queues\": [{\"num\": 1, \"pfn\": "
	    "\"0x100000000\"}]}]}",
	    LG_ERR_SPEC,
	    "t.json:1:73: error: "
	    ".devices[0].queues[0].pfn: expected at most 4294967295 (0xffffffff), got "
	    "\"0x100000000\"");
	/* Above 2^53 in a field whose limit is lower: the message names that limit. */
	ERR("{\"mem\": \"32M\", \"devices\": [{\"type\": \"rng\", \"status\": 1e20, \"queues\": []}]}",
	    LG_ERR_SPEC, "t.json:1:54: error: "
	    ".devices[0].status: expected an integer from 0 to 255, got 1e+20");
	ERR("{\"mem\": \"32M\", \"devices\": [{\"type\": \"rng\", \"queues\": [{\"num\": 1, \"pfn\": "
	    "1e16}]}]}",
	    LG_ERR_SPEC,
	    "t.json:1:73: error: "
	    ".devices[0].queues[0].pfn: expected at most 4294967295 (0xffffffff), got "
	    "10000000000000000");
	ERR("{\"mem\": 9007199254740993, \"devices\": []}", LG_ERR_SPEC,
	    "t.json:1:9: error: "
	    ".mem: expected a number below 2^53, got one above it, which a JSON number "
	    "cannot hold exactly (it reads as 9007199254740992, perhaps not the digits written): "
	    "write it as a string (\"0x…\" or decimal)");
	ERR("{\"mem\": 5000, \"devices\": []}", LG_ERR_SPEC,
	    "t.json:1:9: error: "
	    ".mem: expected a non-zero multiple of 4096 (the page follows RAM), got 5000");
	/* Aligned but too high: the message names the limit, not the alignment. */
	ERR("{\"mem\": \"0x8000000000000000\", \"devices\": []}", LG_ERR_SPEC,
	    "t.json:1:9: error: "
	    ".mem: expected a size below 2^63 (0x8000000000000000), got "
	    "\"0x8000000000000000\"");
	ERR("{\"mem\": \"32M\", \"page_addr\": \"0xfffffffffffff000\", \"devices\": []}",
	    LG_ERR_SPEC,
	    "t.json:1:29: error: "
	    ".page_addr: expected an address below 2^63 (0x8000000000000000), got "
	    "\"0xfffffffffffff000\"");
	ERR("{\"mem\": \"0x100000000000\", \"devices\": [{\"type\": \"rng\", \"queues\": [{\"num\": "
	    "1}]}]}",
	    LG_ERR_SPEC,
	    "t.json:1:66: error: "
	    ".devices[0].queues[0]: the ring would be at page frame 0x100000001, which "
	    "does not fit the 32-bit pfn field");
	/* cJSON cuts strings at a \u0000: "mem\u0000x" is not the key "mem", nor
	 * "rng\u0000x" the type rng. */
	ERR("{\"mem\\u0000x\": \"32M\", \"devices\": []}", LG_ERR_SPEC,
	    "t.json:1:6: error: "
	    "a JSON string holds \\u0000 (a NUL character), which no key or value of "
	    "a spec may contain");
	ERR("{\"mem\": \"32M\", \"devices\": [{\"type\": \"rng\\u0000x\", \"queues\": []}]}",
	    LG_ERR_SPEC,
	    "t.json:1:41: error: "
	    "a JSON string holds \\u0000 (a NUL character), which no key or value of "
	    "a spec may contain");
	/* Raw control characters in strings: JSON forbids them, and a raw NUL cut the value
	 * ("console<NUL>rng" loaded as console; a hex string stopped at the NUL). */
	{
		static const char nul[] = "{\"mem\": \"32M\", \"devices\": [{\"type\": \"console\0rng\", "
					  "\"queues\": [{\"num\": 8}, {\"num\": 8}]}]}";
		static const char hex[] = "{\"mem\": \"32M\", \"devices\": [{\"type\": \"rng\", \"queues\": "
					  "[{\"num\": 8}], \"config\": \"01\0002\"}]}";
		struct lg_layout l;
		struct lg_error err = {0};
		int rc = lg_spec_load(nul, sizeof nul - 1, "t.json", NULL, &l, &err);
		EXPECT(rc == LG_ERR_SPEC && strcmp(err.msg, "t.json:1:45: error: "
							     "a JSON string holds the control "
							     "character 0x00 unescaped, which JSON forbids (a "
							     "string may not span lines or hold a NUL)") == 0,
		       "raw NUL in a type: rc %d, %s", rc, err.msg);
		if (rc == 0)
			lg_layout_free(&l);
		rc = lg_spec_load(hex, sizeof hex - 1, "t.json", NULL, &l, &err);
		EXPECT(rc == LG_ERR_SPEC && strstr(err.msg, "t.json:1:81: error: "
							     "a JSON string holds the control "
							     "character 0x00 unescaped"),
		       "raw NUL in a hex config: rc %d, %s", rc, err.msg);
		if (rc == 0)
			lg_layout_free(&l);
	}
	ERR("{\"mem\": \"32M\", \"devices\": [{\"type\": \"rng\", \"comment\": \"two\nlines\", "
	    "\"queues\": []}]}",
	    LG_ERR_SPEC,
	    "t.json:1:59: error: "
	    "a JSON string holds the control character 0x0a unescaped, which JSON "
	    "forbids (a string may not span lines or hold a NUL)");
	ERR("{\"mem\": \"32M\", \"devices\": [{\"type\": \"rng\", \"comment\": \"tab\there\", "
	    "\"queues\": []}]}",
	    LG_ERR_SPEC,
	    "t.json:1:59: error: "
	    "a JSON string holds the control character 0x09 unescaped, which JSON "
	    "forbids (a string may not span lines or hold a NUL)");
	/* Unknown and duplicate keys (exact case). */
	ERR("{\"Mem\": \"32M\", \"devices\": []}", LG_ERR_SPEC,
	    "t.json:1:2: error: "
	    ".: unknown key \"Mem\"; expected one of: $schema, comment, era, mem, page_addr, "
	    "pfn_limit, devices");
	ERR("{\"mem\": \"32M\", \"devices\": [], \"mem\": \"64M\"}", LG_ERR_SPEC,
	    "t.json:1:31: error: "
	    ".mem: duplicate key \"mem\" (each key may appear once)");
	ERR("{\"mem\": \"32M\", \"devices\": [{\"type\": \"rng\", \"queues\": [{\"num\": 1, \"num\": "
	    "2}]}]}",
	    LG_ERR_SPEC,
	    "t.json:1:66: error: "
	    ".devices[0].queues[0].num: duplicate key \"num\" (each key may appear once)");
	/* Names. */
	ERR("{\"mem\": \"32M\", \"devices\": [{\"type\": \"console\", \"queues\": [], \"features\": "
	    "[\"SIZE\", \"MAC\"]}]}",
	    LG_ERR_SPEC,
	    "t.json:1:83: error: "
	    ".devices[0].features[1]: unknown feature \"MAC\" for a console device; "
	    "expected a bit number or one of: SIZE, MULTIPORT, EMERG_WRITE, NOTIFY_ON_EMPTY, "
	    "ANY_LAYOUT, RING_INDIRECT_DESC, RING_EVENT_IDX, BAD_FEATURE, VERSION_1");
	ERR("{\"mem\": \"32M\", \"devices\": [{\"type\": \"block\", \"queues\": [], \"features\": "
	    "[\"FLUSH\", 9]}]}",
	    LG_ERR_SPEC, "t.json:1:82: error: "
	    ".devices[0].features[1]: feature bit 9 is already listed at [0]");
	ERR("{\"mem\": \"32M\", \"devices\": [{\"type\": \"disk\", \"queues\": []}]}", LG_ERR_SPEC,
	    "t.json:1:37: error: "
	    ".devices[0].type: expected net, block, console, rng or a virtio id 1..255, "
	    "got \"disk\"");
	ERR("{\"mem\": \"32M\", \"devices\": [{\"type\": \"rng\", \"queues\": [], \"config\": "
	    "{\"cols\": 80}}]}",
	    LG_ERR_SPEC,
	    "t.json:1:68: error: "
	    ".devices[0].config: a rng device has no typed config fields; expected "
	    "{\"hex\": \"…\"}");
	/* Lengths and fit. */
	ERR("{\"mem\": \"32M\", \"devices\": [{\"type\": \"net\", \"queues\": [], \"config\": "
	    "{\"mac\": \"02:4c:47:00:00:01\", \"status\": 1}, \"config_len\": 6}]}",
	    LG_ERR_SPEC,
	    "t.json:1:125: error: "
	    ".devices[0].config_len: expected at least 8 to hold the config given, got 6");
	ERR("{\"mem\": \"32M\", \"devices\": [{\"type\": 9, \"queues\": [], \"feature_len\": 255, "
	    "\"config_len\": 255}, {\"type\": 9, \"queues\": [], \"feature_len\": 255, "
	    "\"config_len\": 255}, {\"type\": 9, \"queues\": [], \"feature_len\": 255, "
	    "\"config_len\": 255}, {\"type\": 9, \"queues\": [], \"feature_len\": 255, "
	    "\"config_len\": 255}, {\"type\": 9, \"queues\": [], \"feature_len\": 255, "
	    "\"config_len\": 255}, {\"type\": 9, \"queues\": [], \"feature_len\": 255, "
	    "\"config_len\": 255}]}",
	    LG_ERR_SPEC,
	    "t.json:1:358: error: "
	    ".devices[5]: descriptor of 770 bytes at page offset 3850 ends at 4620, past "
	    "the end of the 4096-byte page");
	ERR("{\"mem\": \"32M\", \"devices\": [{\"queues\": []}]}", LG_ERR_SPEC,
	    "t.json:1:28: error: "
	    ".devices[0]: missing key \"type\" (net, block, console, rng or a virtio id)");
	/* Syntax: line and column, truncation, trailing text, nothing at all. */
	ERR("{\n  \"mem\": \"32M\",\n  \"devices\": [,]\n}", LG_ERR_SYNTAX,
	    "t.json:3:15: error: invalid JSON: unexpected text at \",]\\x0a}\"");
	ERR("{\n  \"mem\": \"32M\",\n  \"devices\": [", LG_ERR_SYNTAX,
	    "t.json:3:15: error: invalid JSON: unexpected end of input (truncated?)");
	ERR("{\"mem\": \"32M\", \"devices\": []} {}", LG_ERR_SYNTAX,
	    "t.json:1:31: error: invalid JSON: unexpected text at \"{}\"");
	ERR("", LG_ERR_SYNTAX,
	    "t.json:1:1: error: "
	    "empty file, expected a JSON object {\"mem\": …, \"devices\": […]}");
	ERR(" \n\t", LG_ERR_SYNTAX,
	    "t.json:1:1: error: "
	    "no JSON in the file, expected an object {\"mem\": …, \"devices\": […]}");
}

/* Every problem, each with its position and path, in document order (an object's missing
 * keys after its members); positions counted by hand. */
struct diags {
	unsigned n, stop_after;
	char line[16][700];
};

static int collect(void *ctx, const struct lg_spec_diag *d)
{
	struct diags *ds = ctx;
	if (ds->n < 16)
		snprintf(ds->line[ds->n], sizeof ds->line[0], "%u:%u %s|%s", d->line, d->col,
			 d->path, d->msg);
	ds->n++;
	return ds->stop_after && ds->n >= ds->stop_after;
}

static void test_each(void)
{
	/* Line 2 starts with a tab; line 3 holds two 2-byte and one 3-byte UTF-8 character
	 * before the bad value, which count one column each. */
	static const char text[] = "{\"mem\": \"32 MB\",\n"
				   "\t\"memory\": 1,\n"
				   " \"comment\": \"\xc3\xa9\xc3\xa8\xe2\x80\xa6\", \"page_addr\": 5,\n"
				   " \"devices\": [{\"type\": \"floppy\", \"queues\": [{\"num\": 3}],"
				   " \"features\": [\"X\"]},\n"
				   "  {\"type\": \"rng\", \"queues\": [{\"irq\": 1}], \"bogus\": 0}, 7]}\n";
	static const char *const want[] = {
		"1:9 .mem|expected a size (a number, or a string such as \"32M\" or \"0x2000000\"), "
		"got \"32 MB\"",
		"2:2 .|unknown key \"memory\"; expected one of: $schema, comment, era, mem, page_addr, "
		"pfn_limit, devices",
		"3:33 .page_addr|expected a multiple of 4096, got 5",
		"4:23 .devices[0].type|expected net, block, console, rng or a virtio id 1..255, got "
		"\"floppy\"",
		"4:52 .devices[0].queues[0].num|expected a power of two, got 3",
		"5:30 .devices[1].queues[0]|missing key \"num\" (the ring size)",
		"5:43 .devices[1]|unknown key \"bogus\"; expected one of: type, queues, features, "
		"acked, feature_len, status, config, config_len, comment",
		"5:56 .devices[2]|expected a device object such as {\"type\": \"rng\", \"queues\": "
		"[{\"num\": 256}]}, got 7",
	};
	const size_t nwant = sizeof want / sizeof want[0];
	struct diags ds = {0};
	struct lg_layout l;
	int rc = lg_spec_load_each(text, sizeof text - 1, NULL, &l, collect, &ds);
	EXPECT(rc == LG_ERR_SPEC, "each: rc %d", rc);
	EXPECT(ds.n == nwant, "each: %u problems, expected %zu", ds.n, nwant);
	for (size_t i = 0; i < nwant && i < ds.n; i++)
		EXPECT(strcmp(ds.line[i], want[i]) == 0, "each[%zu]:\n  got      %s\n  expected %s", i,
		       ds.line[i], want[i]);
	/* A sink that stops: one problem, the first; no sink at all: just the code. */
	struct diags one = {0, 1, {{0}}};
	rc = lg_spec_load_each(text, sizeof text - 1, NULL, &l, collect, &one);
	EXPECT(rc == LG_ERR_SPEC && one.n == 1 && strcmp(one.line[0], want[0]) == 0,
	       "stop: rc %d, %u problems, %s", rc, one.n, one.line[0]);
	EXPECT(lg_spec_load_each(text, sizeof text - 1, NULL, &l, NULL, NULL) == LG_ERR_SPEC,
	       "no sink");
	/* A byte order mark is no column; a syntax error has no path. */
	static const char bom[] = "\xef\xbb\xbf{\"mem\": \"32M\", \"devices\": [}";
	ds.n = 0;
	rc = lg_spec_load_each(bom, sizeof bom - 1, NULL, &l, collect, &ds);
	EXPECT(rc == LG_ERR_SYNTAX && ds.n == 1 &&
		       strcmp(ds.line[0], "1:28 |invalid JSON: unexpected text at \"}\"") == 0,
	       "bom: rc %d, %u, %s", rc, ds.n, ds.line[0]);
	static const char bomok[] = "\xef\xbb\xbf{\"mem\": 5, \"devices\": []}";
	ds.n = 0;
	rc = lg_spec_load_each(bomok, sizeof bomok - 1, NULL, &l, collect, &ds);
	EXPECT(rc == LG_ERR_SPEC && ds.n == 1 && strncmp(ds.line[0], "1:9 .mem|", 9) == 0,
	       "bom value: rc %d, %u, %s", rc, ds.n, ds.line[0]);
	/* Pass 2 (allocation) runs only on a spec without other problems. */
	static const char alloc[] = "{\"mem\": \"0x100000000000\",\n \"devices\": [{\"type\": "
				    "\"rng\", \"queues\": [{\"num\": 1}]}]}";
	ds.n = 0;
	rc = lg_spec_load_each(alloc, sizeof alloc - 1, NULL, &l, collect, &ds);
	EXPECT(rc == LG_ERR_SPEC && ds.n == 1 &&
		       strncmp(ds.line[0], "2:41 .devices[0].queues[0]|the ring would be", 44) == 0,
	       "pass 2: rc %d, %u, %s", rc, ds.n, ds.line[0]);
}

/* Findings back to the spec: the key's value, else the nearest object the spec writes. */
static void test_map(void)
{
	static const char text[] = "{\n"
				   "  \"mem\": \"32M\",\n"
				   "  \"devices\": [\n"
				   "    {\"type\": \"console\", \"status\": 11,\n"
				   "     \"queues\": [{\"num\": 256, \"irq\": 0}, {\"num\": 300}],\n"
				   "     \"acked\": [9]}\n"
				   "  ]\n"
				   "}\n";
	static const struct {
		const char *place, *path;
		unsigned line, col;
	} cases[] = {
		{"device[0].vq[0].irq", ".devices[0].queues[0].irq", 5, 37},
		{"device[0].vq[1].num", ".devices[0].queues[1].num", 5, 49},
		{"device[0].vq[1].irq", ".devices[0].queues[1]", 5, 41},   /* irq not written */
		{"device[0].vq[1]", ".devices[0].queues[1]", 5, 41},
		{"device[0].vq[7].pfn", ".devices[0]", 4, 5},              /* no such queue */
		{"device[0].status", ".devices[0].status", 4, 35},
		{"device[0].type", ".devices[0].type", 4, 14},
		{"device[0].num_vq", ".devices[0].queues", 5, 16},
		{"device[0].guest_features", ".devices[0].acked", 6, 15},
		{"device[0].host_features", ".devices[0]", 4, 5},          /* no features key */
		{"device[0].config_len", ".devices[0]", 4, 5},
		{"device[0]", ".devices[0]", 4, 5},
		{"device[1].status", ".", 1, 1},                           /* no such device */
		{"page", ".", 1, 1},
		{"slot[3]", ".", 1, 1},
		{"", ".", 1, 1},
	};
	struct lg_spec_map *m = NULL;
	int rc = lg_spec_map_new(text, sizeof text - 1, &m);
	EXPECT(rc == 0 && m, "map: rc %d", rc);
	if (rc)
		return;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct lg_spec_pos p;
		lg_spec_map_find(m, cases[i].place, &p);
		EXPECT(p.line == cases[i].line && p.col == cases[i].col &&
			       strcmp(p.path, cases[i].path) == 0,
		       "map %s: %u:%u %s, expected %u:%u %s", cases[i].place, p.line, p.col, p.path,
		       cases[i].line, cases[i].col, cases[i].path);
	}
	lg_spec_map_free(m);
	EXPECT(lg_spec_map_new("{", 1, &m) == LG_ERR_SYNTAX && !m, "map of bad JSON");
	EXPECT(lg_spec_map_new(NULL, 1, &m) == LG_ERR_PARAM, "map of NULL");
}

static void test_dump(void)
{
	struct lg_layout l, m;
	struct lg_error err;
	int rc = load("{\"mem\": \"32M\", \"devices\": [{\"type\": \"net\", \"queues\": [{\"num\": 256},"
		      " {\"num\": 256}], \"features\": [\"MAC\", 40], \"config\": {\"mac\": "
		      "\"02:4C:47:00:00:01\"}, \"config_len\": 10}, {\"type\": 77, \"status\": 1, "
		      "\"queues\": [], \"config\": {\"hex\": \"0102\"}}]}",
		      0, &l, &err);
	EXPECT(rc == 0, "%s", err.msg);
	if (rc)
		return;
	char *json = NULL;
	EXPECT(lg_spec_dump(&l, &json) == 0, "dump");
	const char *want =
		"{\n"
		"  \"mem\": \"32M\",\n"
		"  \"pfn_limit\": \"0x2007\",\n"
		"  \"devices\": [\n"
		"    {\n"
		"      \"type\": \"net\",\n"
		"      \"status\": 0,\n"
		"      \"queues\": [\n"
		"        {\"num\": 256, \"irq\": 1, \"pfn\": \"0x2001\"},\n"
		"        {\"num\": 256, \"irq\": 2, \"pfn\": \"0x2004\"}\n"
		"      ],\n"
		"      \"feature_len\": 6,\n"
		"      \"features\": [\"MAC\", 40],\n"
		"      \"acked\": [],\n"
		"      \"config_len\": 10,\n"
		"      \"config\": {\"mac\": \"02:4c:47:00:00:01\", \"status\": 0, "
		"\"max_virtqueue_pairs\": 0}\n"
		"    },\n"
		"    {\n"
		"      \"type\": 77,\n"
		"      \"status\": 1,\n"
		"      \"queues\": [],\n"
		"      \"feature_len\": 0,\n"
		"      \"features\": [],\n"
		"      \"acked\": [],\n"
		"      \"config_len\": 2,\n"
		"      \"config\": {\"hex\": \"0102\"}\n"
		"    }\n"
		"  ]\n"
		"}\n";
	EXPECT(json && strcmp(json, want) == 0, "dump:\n%s", json ? json : "(null)");
	rc = json ? lg_spec_load(json, strlen(json), "dump.json", NULL, &m, &err) : -1;
	EXPECT(rc == 0, "reload: %s", err.msg);
	if (rc == 0) {
		EXPECT(lg_layout_same(&l, &m), "reloaded layout differs");
		m.dev[0].vq[1].irq = 9;
		EXPECT(!lg_layout_same(&l, &m), "lg_layout_same misses an irq");
		lg_layout_free(&m);
	}
	free(json);
	/* A descriptor crossing the page cannot be said in a spec. */
	l.dev[0].truncated = true;
	EXPECT(lg_spec_dump(&l, &json) == LG_ERR_LAYOUT, "truncated device dumped");
	lg_layout_free(&l);
}

/* A variable-length config field (9p's mount tag): loaded, written back typed, reloaded; a
 * tag with a byte that is not plain text comes back as hex. */
static void test_variable_field(void)
{
	struct lg_layout l, m;
	struct lg_error err;
	int rc = load("{\"mem\": \"32M\", \"devices\": [{\"type\": \"9p\", \"queues\": [{\"num\": 128}],"
		      " \"features\": [\"MOUNT_TAG\"], \"config\": {\"tag_len\": 5, \"tag\": \"share\"}}]}",
		      0, &l, &err);
	EXPECT(rc == 0, "%s", err.msg);
	if (rc)
		return;
	EXPECT(l.dev[0].config_len == 7 && memcmp(l.dev[0].config, "\x05\x00share", 7) == 0,
	       "9p config: len %u", l.dev[0].config_len);
	char *json = NULL;
	EXPECT(lg_spec_dump(&l, &json) == 0, "dump");
	EXPECT(json && strstr(json, "\"config\": {\"tag_len\": 5, \"tag\": \"share\"}\n"), "dump:\n%s",
	       json ? json : "(null)");
	rc = json ? lg_spec_load(json, strlen(json), "dump.json", NULL, &m, &err) : -1;
	EXPECT(rc == 0, "reload: %s", err.msg);
	if (rc == 0) {
		EXPECT(lg_layout_same(&l, &m), "reloaded 9p layout differs");
		lg_layout_free(&m);
	}
	free(json);
	l.dev[0].config[6] = '"';
	EXPECT(lg_spec_dump(&l, &json) == 0, "dump");
	EXPECT(json && strstr(json, "\"config\": {\"hex\": \"05007368617222\"}"), "dump:\n%s",
	       json ? json : "(null)");
	free(json);
	lg_layout_free(&l);
	rc = load("{\"mem\": \"32M\", \"devices\": [{\"type\": \"9p\", \"queues\": [], \"config\": {\"tag\": 7}}]}", 0,
		  &l, &err);
	EXPECT(rc == LG_ERR_SPEC && strstr(err.msg, ".devices[0].config.tag: expected a string"),
	       "tag 7: %d %s", rc, err.msg);
	if (rc == 0)
		lg_layout_free(&l);
}

/* Every line of sizes.table through lg_parse_size() and a spec's "mem": the same value
 * from both, or a refusal from both naming the text (sizes.sh gives the same lines to
 * lgcheck --mem). */
static void test_sizes(const char *table)
{
	FILE *f = table ? fopen(table, "r") : NULL;
	EXPECT(f, "cannot read the size table %s", table ? table : "(none given)");
	if (!f)
		return;
	char line[256];
	int rows = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		char *bar = strrchr(line, '|');
		if (line[0] == '#' || !bar)
			continue;
		*bar = 0;
		const char *in = line, *want = bar + 1;
		bool good = strcmp(want, "bad") != 0;
		uint64_t value = good ? strtoull(want, NULL, 16) : 0, got = 0;
		rows++;
		int rc = lg_parse_size(in, &got);
		EXPECT(good ? rc == 0 && got == value : rc == LG_ERR_SPEC,
		       "lg_parse_size(\"%s\"): rc %d, %#llx; expected %s", in, rc,
		       (unsigned long long)got, want);
		char text[320], msg[512];
		snprintf(text, sizeof text, "{\"mem\": \"%s\", \"devices\": []}", in);
		snprintf(msg, sizeof msg,
			 "t.json:1:9: error: .mem: expected a size (a number, or a string such as "
			 "\"32M\" or \"0x2000000\"), got \"%s\"",
			 in);
		struct lg_layout l;
		struct lg_error err;
		rc = load(text, 0, &l, &err);
		if (good) {
			EXPECT(rc == 0 && l.mem == value, "spec mem \"%s\": rc %d (%s), mem %#llx; "
			       "expected %s", in, rc, err.msg, rc == 0 ? (unsigned long long)l.mem : 0ull,
			       want);
		} else {
			EXPECT(rc == LG_ERR_SPEC && strcmp(err.msg, msg) == 0,
			       "spec mem \"%s\": rc %d (%s); expected the refusal '%s'", in, rc,
			       err.msg, msg);
		}
		if (rc == 0)
			lg_layout_free(&l);
	}
	fclose(f);
	EXPECT(rows >= 30, "only %d rows in %s", rows, table);
}

int main(int argc, char **argv)
{
	test_sizes(argc > 1 ? argv[1] : NULL);
	test_allocation();
	test_values();
	test_errors();
	test_each();
	test_map();
	test_dump();
	test_variable_field();
	return t_done("test_spec");
}
