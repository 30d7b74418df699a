/* Monotonic time for timeouts and progress reports. */
#ifndef MC_COMMON_CLOCK_H
#define MC_COMMON_CLOCK_H

/* Seconds since an arbitrary fixed point; only differences mean anything. */
double mc_clock_seconds(void);

#endif
