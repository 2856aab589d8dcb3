/* SPDX-License-Identifier: MIT */
/* fuzz_common.h — what every fuzz target includes once: the ASan quarantine size and a
 * reused input buffer.  Both exist for speed (>= 10 k inputs/s under ASan+UBSan); neither
 * changes what a target runs or what the sanitizers can see in one input.
 *
 * Profiles (perf on fuzz_decode) showed most time in page faults on freshly allocated
 * memory: ASan keeps every freed block in a 256 MiB quarantine, so each allocation gets
 * memory untouched for 256 MiB of frees, and the decoders allocate 3.9 KB per device (a
 * forced E0 decode of any page makes 16).  lgkit keeps no heap memory from one call to the
 * next, so a use after free the fuzzers can find is of a block freed by the same input,
 * and an input frees well under 1 MiB (about 11 MiB at the very worst: a page of 1 365
 * E1 devices, decoded at two bases); a 16 MiB quarantine, which keeps the latest frees,
 * catches those uses at a fraction of the faults.  ASAN_OPTIONS in the environment
 * overrides it. */
#ifndef LGKIT_FUZZ_COMMON_H
#define LGKIT_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LGKIT_FUZZ_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(LGKIT_FUZZ_ASAN)
#define LGKIT_FUZZ_ASAN 1
#endif
#ifdef LGKIT_FUZZ_ASAN
#include <sanitizer/asan_interface.h>

const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=16";
}
#endif

/* One private anonymous mapping reused for every input, instead of a fresh calloc or mmap
 * of up to 128 KiB per input (each a cold block for the same reason).  Only the first len
 * bytes are addressable: ASan poisons the rest of the mapping, so a read past the input is
 * reported to the byte, as it was with a block of exactly len. */
/* A buffer of len bytes (contents undefined), valid until the next call; NULL when no
 * mapping can be made. */
__attribute__((unused)) static uint8_t *fuzz_buf(size_t len)
{
	static uint8_t *map;
	static size_t cap;
	size_t want = (len + 0xffff) & ~(size_t)0xffff; /* whole 64 KiB: few remaps */
	if (want == 0)
		want = 0x10000;
	if (want > cap) {
		if (map)
			munmap(map, cap);
		map = mmap(NULL, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (map == MAP_FAILED) {
			map = NULL;
			cap = 0;
			return NULL;
		}
		cap = want;
	}
#ifdef LGKIT_FUZZ_ASAN
	__asan_unpoison_memory_region(map, len);
	__asan_poison_memory_region(map + len, cap - len);
#endif
	return map;
}

#endif
