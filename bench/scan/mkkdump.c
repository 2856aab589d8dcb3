/* SPDX-License-Identifier: MIT */
/* mkkdump OUT MIB [AREA AREA_MIB] — a plain kdump-compressed file (makedumpfile's diskdump
 * layout, as lgkit reads it) of MIB MiB of made-up guest memory, for bench/scan/run.sh:
 * in every 4 MiB, the last 1 MiB is excluded by the bitmaps (free pages); of the dumped
 * pages a quarter are zero (QEMU's shared zero page), a quarter random (stored raw, as
 * QEMU stores a page zlib cannot shrink) and half compressible (zlib level 1); AREA (a
 * Launcher device area) is put at AREA_MIB MiB.  Deterministic.  Not a test: a bench tool. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define B 4096u

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int dumped(uint64_t pfn)
{
	return pfn % 1024 < 768;
}

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 5) {
		fprintf(stderr, "usage: mkkdump OUT MIB [AREA AREA_MIB]\n");
		return 2;
	}
	uint64_t npages = strtoull(argv[2], NULL, 0) * 256;
	uint8_t *area = NULL;
	uint64_t area_pfn = 0, area_pages = 0;
	if (argc == 5) {
		FILE *a = fopen(argv[3], "rb");
		if (!a || fseek(a, 0, SEEK_END) < 0) {
			perror(argv[3]);
			return 1;
		}
		long n = ftell(a);
		rewind(a);
		area_pages = ((uint64_t)n + B - 1) / B;
		area = calloc(area_pages, B);
		if (!area || fread(area, 1, (size_t)n, a) != (size_t)n) {
			perror(argv[3]);
			return 1;
		}
		fclose(a);
		area_pfn = strtoull(argv[4], NULL, 0) * 256;
	}
	FILE *f = fopen(argv[1], "wb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	uint64_t bm_bytes = (npages + 7) / 8, bm_blocks = (bm_bytes + B - 1) / B;
	uint8_t h[B] = {0};
	memcpy(h, "KDUMP   ", 8);
	put32(h + 8, 6);
	memcpy(h + 12, "Linux", 5);
	put32(h + 428, B);
	put32(h + 432, 1);
	put32(h + 436, (uint32_t)(2 * bm_blocks));
	put32(h + 440, (uint32_t)npages);
	put32(h + 460, 1);
	fwrite(h, 1, B, f);
	memset(h, 0, B);
	put32(h + 8, 1);
	put64(h + 96, npages);
	fwrite(h, 1, B, f);
	uint8_t *bm = calloc(bm_blocks, B);
	uint64_t ndesc = 0;
	for (uint64_t pfn = 0; pfn < npages; pfn++)
		if (dumped(pfn) || (pfn >= area_pfn && pfn < area_pfn + area_pages)) {
			bm[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
			ndesc++;
		}
	fwrite(bm, 1, bm_blocks * B, f); /* 1st bitmap: present */
	fwrite(bm, 1, bm_blocks * B, f); /* 2nd: dumped */
	uint64_t pd_off = (2 + 2 * bm_blocks) * B, data = pd_off + ndesc * 24;
	uint8_t *pds = calloc(ndesc, 24);
	static uint8_t zero[B], pg[B], z[2 * B];
	/* The page data after the descriptors, written in order; the zero page first. */
	if (fseek(f, (long)data, SEEK_SET) < 0)
		return 1;
	uint64_t zero_off = data;
	fwrite(zero, 1, B, f);
	data += B;
	uint64_t i = 0;
	for (uint64_t pfn = 0; pfn < npages; pfn++) {
		int in_area = pfn >= area_pfn && pfn < area_pfn + area_pages;
		if (!dumped(pfn) && !in_area)
			continue;
		uint8_t *pd = pds + i++ * 24;
		unsigned kind = (unsigned)(next() % 4);
		if (in_area)
			memcpy(pg, area + (pfn - area_pfn) * B, B);
		else if (kind == 0)
			memset(pg, 0, B);
		else if (kind == 1) /* random: zlib cannot shrink it (QEMU would try, then store it raw) */
			for (unsigned k = 0; k < B; k += 8) {
				uint64_t v = next();
				memcpy(pg + k, &v, 8);
			}
		else
			for (unsigned k = 0; k < B; k++)
				pg[k] = (uint8_t)(k % 64 == 0 ? 0 : 'a' + next() % 16);
		if (memcmp(pg, zero, B) == 0) {
			put64(pd, zero_off);
			put32(pd + 8, B);
			continue;
		}
		uLongf zl = sizeof z;
		int use_z = (in_area || kind != 1) && compress2(z, &zl, pg, B, 1) == Z_OK && zl < B;
		put64(pd, data);
		put32(pd + 8, use_z ? (uint32_t)zl : B);
		put32(pd + 12, use_z ? 1 : 0);
		fwrite(use_z ? z : pg, 1, use_z ? zl : B, f);
		data += use_z ? zl : B;
	}
	if (fseek(f, (long)pd_off, SEEK_SET) < 0 || fwrite(pds, 24, ndesc, f) != ndesc ||
	    fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	free(pds);
	free(bm);
	free(area);
	return 0;
}
