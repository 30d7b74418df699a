/* A stand-in for libcudart.so with FAKE_DEVICES devices and 64 MiB of
 * memory, so the CUDA back end's dlopen path runs on machines without CUDA. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

static size_t in_use;
static int current = -1;

int cudaGetDeviceCount(int *count);
int cudaSetDevice(int device);
int cudaMalloc(void **ptr, size_t size);
int cudaFree(void *ptr);

int cudaGetDeviceCount(int *count)
{
    *count = FAKE_DEVICES;
    return FAKE_DEVICES ? 0 : 100; /* cudaErrorNoDevice */
}

int cudaSetDevice(int device)
{
    if (device < 0 || device >= FAKE_DEVICES) return 101; /* cudaErrorInvalidDevice */
    current = device;
    return 0;
}

int cudaMalloc(void **ptr, size_t size)
{
    if (current < 0 || size > (64u << 20) - in_use) return 2; /* cudaErrorMemoryAllocation */
    /* cudaMalloc gives 256-byte alignment; the raw pointer and the size
     * sit just below the block. */
    char *raw = malloc(size + 512);
    if (!raw) return 2;
    char *user = raw + 256 - (uintptr_t)raw % 256 + 256;
    ((void **)user)[-1] = raw;
    ((size_t *)user)[-2] = size;
    in_use += size;
    *ptr = user;
    return 0;
}

int cudaFree(void *ptr)
{
    in_use -= ((size_t *)ptr)[-2];
    free(((void **)ptr)[-1]);
    return 0;
}
