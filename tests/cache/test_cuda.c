/* The CUDA back end without a GPU: a missing runtime and a runtime without
 * devices are reported cleanly, and through a fake runtime (argv[1]: no
 * devices, argv[2]: one device with 64 MiB) the dlopen'ed path allocates,
 * frees and reports out-of-memory. When a real runtime and device are
 * present, a small real allocation is tried too. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "memcarve/cache.h"

static void missing_runtime(void)
{
    mc_cache_backend be;
    mc_error err;
    CHECK(mc_cache_backend_cuda_open("/nonexistent/libcudart.so", &be, &err) == MC_ERR_UNSUPPORTED);
    CHECK(strstr(err.message, "no CUDA runtime") != NULL);
    CHECK(be.alloc == NULL);
    /* The C library has none of the CUDA symbols. */
    CHECK(mc_cache_backend_cuda_open("libc.so.6", &be, &err) == MC_ERR_UNSUPPORTED);
    CHECK(strstr(err.message, "no CUDA runtime") != NULL);
}

static void default_runtime(void)
{
    mc_cache_backend be;
    mc_error err;
    mc_status st = mc_cache_backend_cuda_open(NULL, &be, &err);
    if (st != MC_OK) {
        CHECK(st == MC_ERR_UNSUPPORTED);
        CHECK(strstr(err.message, "no CUDA") != NULL);
        printf("cuda: %s (real GPU path not exercised)\n", err.message);
        return;
    }
    mc_cache *cache;
    CHECK(mc_cache_create(NULL, &be, &cache, NULL) == MC_OK);
    void *p;
    CHECK(mc_cache_allocate(cache, 1 << 20, 256, 0, &p, NULL) == MC_OK);
    CHECK(mc_cache_release(cache, p, NULL) == MC_OK);
    CHECK_EQ_I64(mc_cache_destroy(cache), 0);
    mc_cache_backend_cuda_close(&be);
    printf("cuda: real runtime and device found; allocate/release worked\n");
}

static void no_device(const char *fake)
{
    mc_cache_backend be;
    mc_error err;
    CHECK(mc_cache_backend_cuda_open(fake, &be, &err) == MC_ERR_UNSUPPORTED);
    CHECK(strstr(err.message, "no CUDA device") != NULL);
}

static void fake_device(const char *fake)
{
    mc_cache_backend be;
    mc_error err;
    CHECK(mc_cache_backend_cuda_open(fake, &be, &err) == MC_OK);
    CHECK(!strcmp(be.name, "cuda"));
    mc_cache_options o;
    mc_cache_options_init(&o);
    o.device_count = 2; /* the fake has one: device 1 must fail cleanly */
    mc_cache *cache;
    CHECK(mc_cache_create(&o, &be, &cache, NULL) == MC_OK);
    void *p, *q;
    CHECK(mc_cache_allocate(cache, 3 << 20, 256, 0, &p, NULL) == MC_OK);
    if (p) memset(p, 1, 3 << 20); /* the fake's memory is host memory */
    CHECK(mc_cache_allocate(cache, 100, 256, 1, &q, &err) == MC_ERR_INVALID && q == NULL);
    CHECK(mc_cache_allocate(cache, 100u << 20, 256, 0, &q, &err) == MC_ERR_NOMEM);
    CHECK(strstr(err.message, "out of memory") != NULL);
    CHECK(mc_cache_release(cache, p, NULL) == MC_OK);
    CHECK(mc_cache_allocate(cache, 3 << 20, 256, 0, &q, NULL) == MC_OK);
    CHECK(p == q);
    CHECK(mc_cache_release(cache, q, NULL) == MC_OK);
    CHECK_EQ_I64(mc_cache_destroy(cache), 0);
    mc_cache_backend_cuda_close(&be);
    CHECK(be.context == NULL);
}

int main(int argc, char **argv)
{
    missing_runtime();
    default_runtime();
    if (argc == 3) {
        no_device(argv[1]);
        fake_device(argv[2]);
    } else
        CHECK(!"usage: test_cuda FAKE_NO_DEVICE.so FAKE_ONE_DEVICE.so");
    return mc_test_finish("cache_cuda");
}
