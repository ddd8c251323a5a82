/* suggest.c - kz_suggest: "did you mean" for commands, options, values and node ids. */
#include <ctype.h>
#include <string.h>

#include "kizuna/util.h"

/* Words longer than this are never suggested for (nor compared against). */
#define MAXW 64

static int lower(char c)
{
    return tolower((unsigned char)c);
}

/* Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t d[MAXW + 1][MAXW + 1];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = lower(a[i - 1]) != lower(b[j - 1]);
            size_t best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]) && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

static bool is_prefix(const char *w, size_t lw, const char *c)
{
    for (size_t i = 0; i < lw; i++)
        if (!c[i] || lower(c[i]) != lower(w[i]))
            return false;
    return true;
}

const char *kz_suggest(const char *word, const char *const *cands, size_t n)
{
    if (!word || !cands)
        return NULL;
    size_t lw = strlen(word);
    if (lw == 0 || lw > MAXW)
        return NULL;
    size_t limit = lw <= 4 ? 1 : lw <= 8 ? 2 : 3, best_d = limit + 1;
    const char *best = NULL, *prefix = NULL;
    size_t nprefix = 0;
    for (size_t i = 0; i < n; i++) {
        const char *c = cands[i];
        if (!c)
            continue;
        size_t lc = strlen(c);
        if (lc == lw && is_prefix(word, lw, c))
            return strcmp(word, c) ? c : NULL; /* the same but for case, or the word itself */
        if (lc > lw && lw >= 3 && is_prefix(word, lw, c) && nprefix++ == 0)
            prefix = c;
        if (lc > MAXW)
            continue;
        size_t d = distance(word, lw, c, lc);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    if (best)
        return best;
    return nprefix == 1 ? prefix : NULL;
}
