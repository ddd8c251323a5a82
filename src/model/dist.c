/* dist.c - parsing durations and describing distributions. */
#include "dist.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double unit_secs(const char **p)
{
    const char *s = *p;
    if (s[0] == 'm' && s[1] == 's') {
        *p += 2;
        return 0.001;
    }
    switch (s[0]) {
    case 's':
        *p += 1;
        return 1;
    case 'm':
        *p += 1;
        return 60;
    case 'h':
        *p += 1;
        return 3600;
    case 'd':
        *p += 1;
        return 86400;
    default:
        return 0;
    }
}

int kz_parse_duration(const char *s, double *secs)
{
    const char *p = s;
    bool neg = false;
    double total = 0;
    int parts = 0;

    while (*p == ' ')
        p++;
    if (*p == '-' || *p == '+') {
        neg = *p == '-';
        p++;
    }
    if (strcmp(p, "0") == 0) {
        *secs = 0;
        return 0;
    }
    while (*p && *p != ' ') {
        if (!(*p >= '0' && *p <= '9') && *p != '.')
            return -1;
        char *end;
        double v = strtod(p, &end);
        if (end == p || !isfinite(v))
            return -1;
        /* strtod accepts exponents and hex; kizuna durations are plain decimals. */
        for (const char *q = p; q < end; q++)
            if (!((*q >= '0' && *q <= '9') || *q == '.'))
                return -1;
        p = end;
        double u = unit_secs(&p);
        if (u == 0)
            return -1;
        total += v * u;
        parts++;
    }
    while (*p == ' ')
        p++;
    if (*p || parts == 0 || !isfinite(total) || total > 1e9)
        return -1;
    *secs = neg ? -total : total;
    return neg && total > 0 ? -2 : 0;
}

void kz_format_duration(double secs, char *buf, size_t n)
{
    if (secs < 0) {
        snprintf(buf, n, "-");
        if (n > 1)
            kz_format_duration(-secs, buf + 1, n - 1);
        return;
    }
    if (secs < 1 && secs > 0) {
        snprintf(buf, n, "%gms", secs * 1000);
        return;
    }
    long long s = (long long)llround(secs);
    if (fabs(secs - (double)s) > 1e-9) {
        snprintf(buf, n, "%gs", secs);
        return;
    }
    long long d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60, r = s % 60;
    int w = 0;
    buf[0] = '\0';
    if (d && (size_t)w < n)
        w += snprintf(buf + w, n - (size_t)w, "%lldd", d);
    if (h && (size_t)w < n)
        w += snprintf(buf + w, n - (size_t)w, "%lldh", h);
    if (m && (size_t)w < n)
        w += snprintf(buf + w, n - (size_t)w, "%lldm", m);
    if ((r || s == 0) && (size_t)w < n)
        snprintf(buf + w, n - (size_t)w, "%llds", r);
}

/* The standard normal distribution function. */
static double phi_cdf(double x) { return 0.5 * erfc(-x / sqrt(2.0)); }

/* The continued fraction of the regularized incomplete beta function (modified Lentz),
 * good for x < (a + 1) / (a + b + 2). */
static double beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    d = 1 / (fabs(d) < tiny ? tiny : d);
    double h = d;
    for (int m = 1; m <= 300; m++) {
        double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        for (int k = 0; k < 2; k++) {
            d = 1 + num * d;
            d = 1 / (fabs(d) < tiny ? tiny : d);
            c = 1 + num / c;
            c = fabs(c) < tiny ? tiny : c;
            h *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        }
        if (fabs(d * c - 1) < 1e-15)
            break;
    }
    return h;
}

/* I_x(a, b), the Beta(a, b) distribution function at x in [0, 1]. */
static double beta_cdf(double x, double a, double b)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
    if (x < (a + 1) / (a + b + 2))
        return front * beta_cf(a, b, x) / a;
    return 1 - front * beta_cf(b, a, 1 - x) / b;
}

/* The median of Beta-PERT {min, mode, max}, by bisection on the Beta distribution function
 * (exact to about 1e-12 of the range; the closed-form (a - 1/3) / (a + b - 2/3) is up to 3%
 * off when the mode is at an end). */
static double pert_median(const double *p)
{
    double w = p[2] - p[0];
    if (!(w > 0))
        return p[0];
    double a = 1 + 4 * (p[1] - p[0]) / w, b = 1 + 4 * (p[2] - p[1]) / w;
    double lo = 0, hi = 1;
    for (int i = 0; i < 60; i++) {
        double mid = (lo + hi) / 2;
        if (beta_cdf(mid, a, b) < 0.5)
            lo = mid;
        else
            hi = mid;
    }
    return p[0] + w * (lo + hi) / 2;
}

void kz_dist_derive(struct kz_dist *d)
{
    if (d->kind == KZ_DIST_LOGNORMAL) {
        d->mu = log(d->p[0]);
        d->sigma = log(d->p[1] / d->p[0]) / KZ_Z90;
    }
}

/* Parameters the kind has (fixed 1 ... pert 3). */
static int nparams(enum kz_dist_kind k)
{
    return k == KZ_DIST_TRIANGULAR || k == KZ_DIST_PERT ? 3
           : k == KZ_DIST_UNIFORM || k == KZ_DIST_LOGNORMAL ? 2
           : k == KZ_DIST_NONE ? 0
                                : 1;
}

int kz_dist_check(const struct kz_dist *d, char *why, size_t n)
{
    char tmp[2];
    if (!why) {
        why = tmp;
        n = sizeof tmp;
    }
    const double *p = d->p;
    if (d->kind < KZ_DIST_NONE || d->kind > KZ_DIST_PERT) {
        snprintf(why, n, "not a distribution");
        return -1;
    }
    for (int i = 0; i < nparams(d->kind); i++)
        if (!isfinite(p[i]) || p[i] < 0 || p[i] > 1e9) {
            snprintf(why, n, "a time must be a finite duration of at least 0");
            return -1;
        }
    switch (d->kind) {
    case KZ_DIST_UNIFORM:
        if (p[0] > p[1]) {
            snprintf(why, n, "uniform distribution has min above max");
            return -1;
        }
        break;
    case KZ_DIST_TRIANGULAR:
    case KZ_DIST_PERT:
        if (!(p[0] <= p[1] && p[1] <= p[2] && p[0] < p[2])) {
            snprintf(why, n, "%s distribution needs min <= mode <= max and min < max",
                     d->kind == KZ_DIST_PERT ? "pert" : "triangular");
            return -1;
        }
        break;
    case KZ_DIST_EXPONENTIAL:
        if (p[0] <= 0) {
            snprintf(why, n, "exponential distribution needs a positive mean");
            return -1;
        }
        break;
    case KZ_DIST_LOGNORMAL:
        if (!(p[0] > 0)) {
            snprintf(why, n, "lognormal distribution needs a positive median");
            return -1;
        }
        if (!(p[1] > p[0])) {
            snprintf(why, n, "lognormal p90 must be above the median");
            return -1;
        }
        break;
    default:
        break;
    }
    bool bounded = d->kind == KZ_DIST_EXPONENTIAL || d->kind == KZ_DIST_LOGNORMAL;
    if (!isfinite(d->max) || d->max < 0 || (d->max > 0 && !bounded)) {
        snprintf(why, n, "only a lognormal or exponential distribution has a separate max");
        return -1;
    }
    if (d->max > 0 && !(d->max >= kz_dist_median(d))) {
        char med[32];
        kz_format_duration(kz_dist_median(d), med, sizeof med);
        snprintf(why, n, "a distribution's max must be at or above its median (%s)", med);
        return -1;
    }
    return 0;
}

double kz_dist_median(const struct kz_dist *d)
{
    switch (d->kind) {
    case KZ_DIST_FIXED:
        return d->p[0];
    case KZ_DIST_UNIFORM:
        return (d->p[0] + d->p[1]) / 2;
    case KZ_DIST_TRIANGULAR: {
        double a = d->p[0], c = d->p[1], b = d->p[2];
        return c >= (a + b) / 2 ? a + sqrt((b - a) * (c - a) / 2) : b - sqrt((b - a) * (b - c) / 2);
    }
    case KZ_DIST_EXPONENTIAL:
        return d->p[0] * log(2.0);
    case KZ_DIST_LOGNORMAL:
        return d->p[0];
    case KZ_DIST_PERT:
        return pert_median(d->p);
    default:
        return 0;
    }
}

double kz_dist_mean(const struct kz_dist *d)
{
    if (d->max > 0 && d->kind == KZ_DIST_EXPONENTIAL) {
        /* E[X | X <= m] = mean - m e^(-m/mean) / (1 - e^(-m/mean)) */
        double m = d->max, q = exp(-m / d->p[0]);
        return d->p[0] - m * q / (1 - q);
    }
    if (d->max > 0 && d->kind == KZ_DIST_LOGNORMAL) {
        /* E[X | X <= m] = e^(mu + s^2/2) Phi((ln m - mu - s^2) / s) / Phi((ln m - mu) / s) */
        double s = d->sigma, z = (log(d->max) - d->mu) / s;
        return exp(d->mu + s * s / 2) * phi_cdf(z - s) / phi_cdf(z);
    }
    switch (d->kind) {
    case KZ_DIST_FIXED:
        return d->p[0];
    case KZ_DIST_UNIFORM:
        return (d->p[0] + d->p[1]) / 2;
    case KZ_DIST_TRIANGULAR:
        return (d->p[0] + d->p[1] + d->p[2]) / 3;
    case KZ_DIST_EXPONENTIAL:
        return d->p[0];
    case KZ_DIST_LOGNORMAL:
        return exp(d->mu + d->sigma * d->sigma / 2);
    case KZ_DIST_PERT:
        return (d->p[0] + 4 * d->p[1] + d->p[2]) / 6;
    default:
        return 0;
    }
}

void kz_dist_format(const struct kz_dist *d, char *buf, size_t n)
{
    char a[32], b[32], c[32];
    kz_format_duration(d->p[0], a, sizeof a);
    kz_format_duration(d->p[1], b, sizeof b);
    kz_format_duration(d->p[2], c, sizeof c);
    switch (d->kind) {
    case KZ_DIST_FIXED:
        snprintf(buf, n, "%s", a);
        break;
    case KZ_DIST_UNIFORM:
        snprintf(buf, n, "uniform(%s..%s)", a, b);
        break;
    case KZ_DIST_TRIANGULAR:
        snprintf(buf, n, "triangular(%s, %s, %s)", a, b, c);
        break;
    case KZ_DIST_PERT:
        snprintf(buf, n, "pert(%s, %s, %s)", a, b, c);
        break;
    case KZ_DIST_EXPONENTIAL:
        snprintf(buf, n, "exponential(mean %s", a);
        break;
    case KZ_DIST_LOGNORMAL:
        snprintf(buf, n, "lognormal(median %s, p90 %s", a, b);
        break;
    default:
        snprintf(buf, n, "-");
    }
    if (d->kind == KZ_DIST_EXPONENTIAL || d->kind == KZ_DIST_LOGNORMAL) {
        size_t k = strlen(buf);
        if (d->max > 0) {
            kz_format_duration(d->max, c, sizeof c);
            snprintf(buf + k, k < n ? n - k : 0, ", max %s)", c);
        } else {
            snprintf(buf + k, k < n ? n - k : 0, ")");
        }
    }
}
