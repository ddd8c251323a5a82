/* dist.h - durations with units and processing-time distributions. */
#ifndef KZ_DIST_H
#define KZ_DIST_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Parses a duration such as `90s`, `15m`, `2h`, `1h30m`, `250ms`, `1.5d` into
 * seconds. Units are ms, s, m (minutes), h, d; every number needs one, except
 * a bare `0`. Returns 0, -1 for a malformed duration or a missing unit, -2 for
 * a negative one (the value is then stored, negative, in *secs).
 */
int kz_parse_duration(const char *s, double *secs);

/* Formats seconds as the shortest exact duration text (`90s`, `15m`, `1h30m`). */
void kz_format_duration(double secs, char *buf, size_t n);

enum kz_dist_kind {
    KZ_DIST_NONE = 0, /* not given */
    KZ_DIST_FIXED,
    KZ_DIST_UNIFORM,
    KZ_DIST_TRIANGULAR,
    KZ_DIST_EXPONENTIAL,
    KZ_DIST_LOGNORMAL,
    KZ_DIST_PERT /* p = {min, mode, max}: Beta-PERT, lambda 4 */
};

/*
 * A distribution of durations in seconds. p[] by kind: fixed {value},
 * uniform {min, max}, triangular {min, mode, max}, exponential {mean},
 * lognormal {median, p90}, pert {min, mode, max}; mu and sigma are derived for
 * lognormal. Beta-PERT is min + (max - min) B with B ~ Beta(alpha, beta),
 * alpha = 1 + 4 (mode - min) / (max - min), beta = 1 + 4 (max - mode) / (max - min):
 * mean (min + 4 mode + max) / 6, bounded by min and max. The two
 * unbounded kinds may carry a maximum (`max`, > 0; 0: none): the distribution
 * is then truncated there (a draw is the draw of the untruncated one given
 * that it is at most `max`). The loader refuses a maximum below the median.
 */
struct meta;
struct kz_dist {
    enum kz_dist_kind kind;
    double p[3];
    double mu, sigma;
    double max;
    /* The distribution's own source/assumption/range (model_impl.h), allocated by the
     * loader; NULL when it carries none. Copies of a distribution (defaults, YAML aliases)
     * share it, so one written range is one assumption however many nodes use it. */
    const struct meta *meta;
};

/* Derives what the draws need from p[]: a lognormal's mu = ln(median) and sigma =
 * ln(p90 / median) / KZ_Z90 (nothing for the other kinds). The one rule for the loader and
 * for a lever that changed p[], so a value set at run time draws as the same value loaded. */
void kz_dist_derive(struct kz_dist *d);

/*
 * Whether d is a distribution the loader accepts (its rules: no negative or non-finite
 * time; uniform min <= max; triangular and pert min <= mode <= max and min < max; a
 * positive exponential mean and lognormal median; a lognormal p90 above the median; a
 * maximum, when given, positive and at or above the median). Returns 0, or -1 with the
 * loader's wording of the first broken rule in why[0..n) (why may be NULL).
 */
int kz_dist_check(const struct kz_dist *d, char *why, size_t n);

/* Median in seconds (the loader's check of a maximum); pert's by numeric inversion of the
 * Beta distribution function. */
double kz_dist_median(const struct kz_dist *d);
/* Mean in seconds, of the truncated distribution when it has a maximum (routing, reports). */
double kz_dist_mean(const struct kz_dist *d);
/* Writes a short description, e.g. `lognormal(median 10m, p90 40m)`. */
void kz_dist_format(const struct kz_dist *d, char *buf, size_t n);

/* z for the 90th percentile of the standard normal distribution. */
#define KZ_Z90 1.2815515655446004

#endif
