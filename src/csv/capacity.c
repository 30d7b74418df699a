/* The checks that need the capacity, which is known only after parsing (it
 * comes from the command line). They mirror mc_problem_check_capacity but
 * point at the row and column to fix. */
#include <inttypes.h>

#include "csv/csv_internal.h"

mc_status mc_csv_check_capacity(const mc_csv *csv, int64_t capacity, mc_error *err)
{
    if (capacity <= 0)
        return mc_error_set(err, MC_ERR_INVALID, "capacity: expected a positive integer, got %" PRId64,
                            capacity);
    const mc_csv_header *header = &csv->header;
    for (size_t i = 0; i < csv->row_count; ++i) {
        const mc_buffer *b = mc_problem_buffer(csv->problem, i);
        mc_csv_where where = {csv->name, csv->rows[i].line};
        if (b->size > capacity)
            return mc_csv_fail(err, MC_ERR_INFEASIBLE, where, &header->name[MC_COL_SIZE],
                               "size %" PRId64 " exceeds the capacity %" PRId64
                               "; expected a size <= capacity",
                               b->size, capacity);
        if (b->fixed_offset != MC_NO_OFFSET && b->fixed_offset > capacity - b->size)
            return mc_csv_fail(err, MC_ERR_INVALID, where, &header->name[MC_COL_OFFSET],
                               "expected fixed offset + size <= capacity %" PRId64 ", got %" PRId64
                               " + %" PRId64,
                               capacity, b->fixed_offset, b->size);
    }
    return MC_OK;
}
