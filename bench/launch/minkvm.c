/* SPDX-License-Identifier: MIT */
/* minkvm.c — the smallest KVM program that does what "lglaunch guest now" does: create a
 * VM with the same memory (32 MiB + the 1 MiB device area), one vCPU in flat 32-bit
 * protected mode, run a guest that writes status 0 to the shutdown port, and exit with
 * that status.  The baseline of bench/launch/lgbench. */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lg_hcall.h"

int main(void)
{
	const uint64_t size = (32u << 20) + (1u << 20);
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int vm = kvm < 0 ? -1 : ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		perror("minkvm: /dev/kvm");
		return 2;
	}
	uint8_t *mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct kvm_userspace_memory_region r = {.slot = 0, .memory_size = size,
						.userspace_addr = (uintptr_t)mem};
	if (mem == MAP_FAILED || ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
		perror("minkvm: memory");
		return 2;
	}
	/* At 1 MiB: xor %eax,%eax; mov $LG_PORT_SHUTDOWN,%dx; out %eax,(%dx); hlt */
	const uint8_t code[] = {0x31, 0xc0, 0x66, 0xba, LG_PORT_SHUTDOWN & 0xff,
				LG_PORT_SHUTDOWN >> 8, 0xef, 0xf4};
	memcpy(mem + 0x100000, code, sizeof code);
	int cpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	int sz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	struct kvm_run *run = cpu < 0 || sz <= 0 ? MAP_FAILED
		: mmap(NULL, (size_t)sz, PROT_READ | PROT_WRITE, MAP_SHARED, cpu, 0);
	if (run == MAP_FAILED) {
		perror("minkvm: vcpu");
		return 2;
	}
	struct kvm_sregs s;
	ioctl(cpu, KVM_GET_SREGS, &s);
	struct kvm_segment seg = {.base = 0, .limit = 0xffffffff, .selector = 0x10, .type = 0xb,
				  .present = 1, .db = 1, .s = 1, .g = 1};
	s.cs = seg;
	seg.type = 0x3;
	seg.selector = 0x18;
	s.ds = s.es = s.fs = s.gs = s.ss = seg;
	s.cr0 |= 1;
	struct kvm_regs regs = {.rip = 0x100000, .rflags = 0x2};
	if (ioctl(cpu, KVM_SET_SREGS, &s) < 0 || ioctl(cpu, KVM_SET_REGS, &regs) < 0) {
		perror("minkvm: registers");
		return 2;
	}
	for (;;) {
		if (ioctl(cpu, KVM_RUN, 0) < 0) {
			perror("minkvm: KVM_RUN");
			return 2;
		}
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == LG_PORT_SHUTDOWN) {
			uint32_t v;
			memcpy(&v, (uint8_t *)run + run->io.data_offset, 4);
			return (int)(v & 0xff);
		}
		if (run->exit_reason != KVM_EXIT_IO) {
			fprintf(stderr, "minkvm: exit %u\n", run->exit_reason);
			return 3;
		}
	}
}
