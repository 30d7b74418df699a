/* The CUDA back end: the runtime is loaded with dlopen when asked for, so
 * the library builds, links and runs on machines that have no CUDA at all. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "memcarve/cache.h"

/* cudaError_t is an int-sized enum; 0 is cudaSuccess and 2 is
 * cudaErrorMemoryAllocation in every runtime version. */
typedef int (*cuda_malloc_fn)(void **ptr, size_t size);
typedef int (*cuda_free_fn)(void *ptr);
typedef int (*cuda_set_device_fn)(int device);
typedef int (*cuda_get_device_count_fn)(int *count);
enum { CUDA_SUCCESS = 0, CUDA_ERROR_MEMORY_ALLOCATION = 2 };

typedef struct cuda_runtime {
    void *library;
    cuda_malloc_fn malloc_fn;
    cuda_free_fn free_fn;
    cuda_set_device_fn set_device;
    int device_count;
} cuda_runtime;

static mc_status cuda_alloc(void *context, int device, size_t size, size_t alignment, void **out)
{
    cuda_runtime *rt = context;
    *out = NULL;
    if (device < 0 || device >= rt->device_count) return MC_ERR_INVALID;
    if (rt->set_device(device) != CUDA_SUCCESS) return MC_ERR_INVALID;
    int rc = rt->malloc_fn(out, size);
    /* cudaMalloc promises 256-byte alignment; more is accepted only when
     * the pointer happens to have it. */
    if (rc == CUDA_SUCCESS && (uintptr_t)*out % alignment == 0) return MC_OK;
    if (rc == CUDA_SUCCESS) {
        rt->free_fn(*out);
        *out = NULL;
        return MC_ERR_UNSUPPORTED;
    }
    *out = NULL;
    return rc == CUDA_ERROR_MEMORY_ALLOCATION ? MC_ERR_NOMEM : MC_ERR_IO;
}

static void cuda_free(void *context, int device, void *ptr, size_t size)
{
    cuda_runtime *rt = context;
    (void)size;
    if (rt->set_device(device) == CUDA_SUCCESS) rt->free_fn(ptr);
}

static void *open_runtime(const char *library, const char **tried)
{
    static const char *const defaults[] = {"libcudart.so", "libcudart.so.12", "libcudart.so.11.0"};
    if (library) {
        *tried = library;
        return dlopen(library, RTLD_NOW | RTLD_LOCAL);
    }
    *tried = defaults[0];
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; ++i) {
        void *handle = dlopen(defaults[i], RTLD_NOW | RTLD_LOCAL);
        if (handle) return handle;
    }
    return NULL;
}

/* dlsym returns void*; POSIX guarantees it converts to a function pointer,
 * and copying the bytes keeps -Wpedantic quiet about the conversion. */
static bool resolve(void *library, const char *name, void *fn_out, size_t fn_size)
{
    void *sym = dlsym(library, name);
    if (!sym) return false;
    memcpy(fn_out, &sym, fn_size);
    return true;
}

static mc_status resolve_all(cuda_runtime *rt, const char *tried, mc_error *err)
{
    cuda_get_device_count_fn count_fn = NULL;
    if (!resolve(rt->library, "cudaMalloc", &rt->malloc_fn, sizeof rt->malloc_fn) ||
        !resolve(rt->library, "cudaFree", &rt->free_fn, sizeof rt->free_fn) ||
        !resolve(rt->library, "cudaSetDevice", &rt->set_device, sizeof rt->set_device) ||
        !resolve(rt->library, "cudaGetDeviceCount", &count_fn, sizeof count_fn))
        return mc_error_set(err, MC_ERR_UNSUPPORTED,
                            "no CUDA runtime: %s lacks cudaMalloc/cudaFree/cudaSetDevice/"
                            "cudaGetDeviceCount", tried);
    int rc = count_fn(&rt->device_count);
    if (rc != CUDA_SUCCESS || rt->device_count <= 0)
        return mc_error_set(err, MC_ERR_UNSUPPORTED,
                            "no CUDA device: cudaGetDeviceCount returned error %d, count %d", rc,
                            rc == CUDA_SUCCESS ? rt->device_count : 0);
    return MC_OK;
}

mc_status mc_cache_backend_cuda_open(const char *library, mc_cache_backend *out, mc_error *err)
{
    memset(out, 0, sizeof *out);
    cuda_runtime *rt = calloc(1, sizeof *rt);
    if (!rt) return mc_error_set(err, MC_ERR_NOMEM, "cuda back end: out of host memory");
    const char *tried = NULL;
    rt->library = open_runtime(library, &tried);
    if (!rt->library) {
        const char *why = dlerror();
        free(rt);
        return mc_error_set(err, MC_ERR_UNSUPPORTED, "no CUDA runtime: cannot load %s%s (%s)", tried,
                            library ? "" : " or its versioned names", why ? why : "not found");
    }
    mc_status st = resolve_all(rt, tried, err);
    if (st != MC_OK) {
        dlclose(rt->library);
        free(rt);
        return st;
    }
    out->name = "cuda";
    out->alloc = cuda_alloc;
    out->free = cuda_free;
    out->context = rt;
    return MC_OK;
}

void mc_cache_backend_cuda_close(mc_cache_backend *backend)
{
    if (!backend || !backend->context) return;
    cuda_runtime *rt = backend->context;
    dlclose(rt->library);
    free(rt);
    memset(backend, 0, sizeof *backend);
}
