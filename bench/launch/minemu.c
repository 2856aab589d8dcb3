/* SPDX-License-Identifier: MIT */
/* minemu.c — the smallest Unicorn program that does what "lglaunch --accel emu GUEST now"
 * does: an x86 engine in 32-bit mode over the same memory (32 MiB + the 1 MiB device area,
 * mapped by pointer as lglaunch maps it), a guest that writes status 0 to the shutdown
 * port, and exit with that status.  The emulator's baseline of bench/launch/lgbench. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unicorn/unicorn.h>

#include "lg_hcall.h"

static int status = -1;

static void on_out(uc_engine *uc, uint32_t port, int size, uint32_t value, void *ud)
{
	(void)size, (void)ud;
	if (port == LG_PORT_SHUTDOWN) {
		status = (int)(value & 0xff);
		uc_emu_stop(uc);
	}
}

int main(void)
{
	const uint64_t size = (32u << 20) + (1u << 20);
	uint8_t *mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uc_engine *uc;
	if (mem == MAP_FAILED || uc_open(UC_ARCH_X86, UC_MODE_32, &uc) != UC_ERR_OK ||
	    uc_mem_map_ptr(uc, 0, size, UC_PROT_ALL, mem) != UC_ERR_OK) {
		fprintf(stderr, "minemu: cannot set up the engine\n");
		return 2;
	}
	/* At 1 MiB: xor %eax,%eax; mov $LG_PORT_SHUTDOWN,%dx; out %eax,(%dx); hlt */
	const uint8_t code[] = {0x31, 0xc0, 0x66, 0xba, LG_PORT_SHUTDOWN & 0xff,
				LG_PORT_SHUTDOWN >> 8, 0xef, 0xf4};
	memcpy(mem + 0x100000, code, sizeof code);
	uc_hook h;
	if (uc_hook_add(uc, &h, UC_HOOK_INSN, (void *)on_out, NULL, 1, 0, UC_X86_INS_OUT) !=
		    UC_ERR_OK ||
	    uc_emu_start(uc, 0x100000, UINT64_MAX, 0, 0) != UC_ERR_OK) {
		fprintf(stderr, "minemu: the run failed\n");
		return 2;
	}
	uc_close(uc);
	return status < 0 ? 3 : status;
}
