// Which of the fast paths this CPU can run: CPUID says what the core implements, XGETBV
// whether the operating system saves the wide registers across a context switch; both must
// agree, or the first AVX-512 instruction faults. Nothing here executes a wide instruction.
#include "FastKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static uint64_t xgetbv0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

int fk_cpu_features(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    int osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1;
    if (!osxsave || !avx) return 0;
    uint64_t xcr0 = xgetbv0();
    int ymmSaved = (xcr0 & 0x6) == 0x6;          // SSE and AVX state
    int zmmSaved = (xcr0 & 0xE6) == 0xE6;        // and the opmask and the upper ZMM state
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    int features = 0;
    if (ymmSaved && ((ebx >> 5) & 1)) features |= FK_AVX2;
    int avx512 = ((ebx >> 16) & 1) && ((ebx >> 17) & 1) && ((ebx >> 30) & 1) && ((ebx >> 31) & 1);  // F, DQ, BW, VL
    int vnni = (ecx >> 11) & 1;
    if (zmmSaved && avx512 && vnni) features |= FK_AVX512_VNNI;
    return features;
}
#else
int fk_cpu_features(void) { return 0; }  // not x86: the portable path only
#endif
