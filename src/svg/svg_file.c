/* Pictures written atomically through the sync module's file writer, so a
 * failed run never leaves a partial picture. */
#include "svg/svg_internal.h"
#include "sync/sync_internal.h"

typedef struct picture {
    const mc_problem *problem;
    const int64_t *offsets;
    int64_t capacity;
    const mc_barriers *barriers;
} picture;

static mc_status draw(FILE *out, const void *context, mc_error *err)
{
    const picture *p = context;
    return mc_svg_write(p->problem, p->offsets, p->capacity, p->barriers, out, err);
}

mc_status mc_svg_write_file(const mc_problem *problem, const int64_t *offsets, int64_t capacity,
                            const mc_barriers *barriers, const char *path, mc_error *err)
{
    picture p = {problem, offsets, capacity, barriers};
    return mc_sync_write_atomic(path, draw, &p, err);
}
