/* ytree.c - builds the positioned YAML tree from libfyaml's event stream. */
#include "ytree.h"

#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "kizuna/util.h"

struct frame {
    struct ynode *node;
    const char *anchor; /* copied name, registered when the node closes */
    size_t anchor_len;
    struct ynode **v; /* children collected so far (malloc'd) */
    size_t n, cap;
};

struct anchor {
    const char *name;
    size_t len;
    struct ynode *node;
};

struct builder {
    const char *file;
    const char *buf; /* the source text, for decoding single-quoted scalars */
    size_t len;
    kz_diags *d;
    struct ydoc *doc;
    struct frame stack[YTREE_MAX_DEPTH + 1];
    int depth;
    struct anchor anchors[YTREE_MAX_ANCHORS];
    size_t nanchors;
    size_t weight;
    int err; /* first error: KZ_EPARSE or KZ_ENOMEM */
};

static void fail(struct builder *b, int line, int col, int code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void fail(struct builder *b, int line, int col, int code, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!b->err)
        b->err = KZ_EPARSE;
    if (kz_diags_add(b->d, b->file, line, col, KZ_SEV_ERROR, code, "%s", msg) != KZ_OK)
        b->err = KZ_ENOMEM;
}

static size_t sat_add(size_t a, size_t b)
{
    return a > YTREE_MAX_WEIGHT || b > YTREE_MAX_WEIGHT - a ? YTREE_MAX_WEIGHT + 1 : a + b;
}

static int push_child(struct builder *b, struct ynode *child, int line, int col)
{
    if (b->depth == 0) {
        if (b->doc->root) {
            fail(b, line, col, 2, "expected a single YAML document");
            return -1;
        }
        b->doc->root = child;
        return 0;
    }
    struct frame *f = &b->stack[b->depth - 1];
    struct ynode **v = kz_grow(f->v, &f->cap, f->n + 1, sizeof *v);
    if (!v) {
        b->err = KZ_ENOMEM;
        return -1;
    }
    f->v = v;
    f->v[f->n++] = child;
    return 0;
}

static struct ynode *new_node(struct builder *b, enum ytype t, const struct fy_mark *m)
{
    struct ynode *n = arena_alloc(&b->doc->arena, sizeof *n);
    if (!n) {
        b->err = KZ_ENOMEM;
        return NULL;
    }
    n->type = t;
    n->line = m ? m->line + 1 : 1;
    n->col = m ? m->column + 1 : 1;
    n->weight = 1;
    return n;
}

/* Copies an anchor token's name into the arena; *name stays NULL when there is none. */
static int anchor_name(struct builder *b, struct fy_token *tok, const char **name, size_t *len)
{
    *name = NULL;
    *len = 0;
    const char *s = tok ? fy_token_get_text(tok, len) : NULL;
    if (!s)
        return 0;
    *name = arena_strndup(&b->doc->arena, s, *len);
    if (!*name) {
        b->err = KZ_ENOMEM;
        return -1;
    }
    return 0;
}

static int add_anchor(struct builder *b, const char *name, size_t len, struct ynode *n)
{
    if (!name)
        return 0;
    if (b->nanchors == YTREE_MAX_ANCHORS) {
        fail(b, n->line, n->col, 3, "more than %d anchors in one document", YTREE_MAX_ANCHORS);
        return -1;
    }
    /* A redefined anchor shadows the earlier one, as YAML specifies: search from the end. */
    b->anchors[b->nanchors++] = (struct anchor){name, len, n};
    return 0;
}

static struct ynode *find_anchor(struct builder *b, const char *name, size_t len)
{
    for (size_t i = b->nanchors; i-- > 0;)
        if (b->anchors[i].len == len && memcmp(b->anchors[i].name, name, len) == 0)
            return b->anchors[i].node;
    return NULL;
}

static int key_cmp(const void *a, const void *b)
{
    const struct ynode *x = *(struct ynode *const *)a, *y = *(struct ynode *const *)b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->str, y->str, n);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    /* Equal keys: order by position so the later one is reported. */
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->col < y->col ? -1 : (x->col > y->col);
}

/* Reports every repeated scalar key of a finished mapping, in O(n log n). */
static void check_duplicate_keys(struct builder *b, struct ynode *map)
{
    size_t n = 0;
    struct ynode **keys = malloc((map->n ? map->n : 1) * sizeof *keys);
    if (!keys) {
        b->err = KZ_ENOMEM;
        return;
    }
    for (size_t i = 0; i < map->n; i++)
        if (map->kids[2 * i]->type == Y_SCALAR)
            keys[n++] = map->kids[2 * i];
    qsort(keys, n, sizeof *keys, key_cmp);
    for (size_t i = 1; i < n; i++)
        if (keys[i]->len == keys[i - 1]->len &&
            memcmp(keys[i]->str, keys[i - 1]->str, keys[i]->len) == 0)
            fail(b, keys[i]->line, keys[i]->col, 7, "duplicate key '%s' in mapping", keys[i]->str);
    free(keys);
}

static int close_frame(struct builder *b)
{
    struct frame *f = &b->stack[--b->depth];
    struct ynode *n = f->node;
    if (n->type == Y_MAP && f->n % 2) {
        fail(b, n->line, n->col, 2, "mapping has a key without a value");
        goto out;
    }
    n->n = n->type == Y_MAP ? f->n / 2 : f->n;
    if (f->n) {
        n->kids = arena_alloc(&b->doc->arena, f->n * sizeof *n->kids);
        if (!n->kids) {
            b->err = KZ_ENOMEM;
            goto out;
        }
        memcpy(n->kids, f->v, f->n * sizeof *n->kids);
    }
    for (size_t i = 0; i < f->n; i++)
        n->weight = sat_add(n->weight, f->v[i]->weight);
    if (n->type == Y_MAP)
        check_duplicate_keys(b, n);
out:
    free(f->v);
    f->v = NULL;
    return b->err ? -1 : 0;
}

/*
 * Decodes a single-quoted scalar from its source text (between the quotes): a doubled
 * quote is a quote, and line breaks fold as in every YAML flow scalar (one break becomes
 * a space, n > 1 breaks become n - 1 newlines, white space around breaks is dropped).
 * libfyaml 0.7.12 mis-decodes adjacent doubled quotes and leaks the buffer it builds
 * for them, so kizuna does this itself. Returns the length written to out (<= n).
 */
static size_t unquote_single(const char *src, size_t n, char *out)
{
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        char c = src[i];
        if (c == '\'' && i + 1 < n && src[i + 1] == '\'') {
            out[w++] = '\'';
            i += 2;
        } else if (c == '\n' || c == '\r') {
            while (w && (out[w - 1] == ' ' || out[w - 1] == '\t'))
                w--;
            size_t breaks = 0;
            while (i < n && (src[i] == '\n' || src[i] == '\r' || src[i] == ' ' || src[i] == '\t')) {
                if (src[i] == '\n' || (src[i] == '\r' && !(i + 1 < n && src[i + 1] == '\n')))
                    breaks++;
                i++;
            }
            if (breaks == 1)
                out[w++] = ' ';
            else
                for (size_t k = 1; k < breaks; k++)
                    out[w++] = '\n';
        } else {
            out[w++] = c;
            i++;
        }
    }
    return w;
}

/* The text of a scalar token, NUL-terminated, in the document's arena. */
static char *scalar_text(struct builder *b, struct fy_token *tok, size_t *lenp)
{
    *lenp = 0;
    if (!tok)
        return arena_strndup(&b->doc->arena, "", 0);
    if (fy_token_scalar_style(tok) == FYSS_SINGLE_QUOTED) {
        const struct fy_mark *s = fy_token_start_mark(tok), *e = fy_token_end_mark(tok);
        /* The token's marks span the content between the quotes. */
        if (s && e && e->input_pos >= s->input_pos && e->input_pos <= b->len) {
            size_t n = e->input_pos - s->input_pos;
            char *out = arena_alloc(&b->doc->arena, n + 1);
            if (!out)
                return NULL;
            *lenp = unquote_single(b->buf + s->input_pos, n, out);
            out[*lenp] = '\0';
            return out;
        }
    }
    size_t len = 0;
    const char *t = fy_token_get_text(tok, &len);
    *lenp = t ? len : 0;
    return arena_strndup(&b->doc->arena, t ? t : "", *lenp);
}

static int on_event(struct builder *b, struct fy_event *e)
{
    const struct fy_mark *m = fy_event_start_mark(e);
    struct ynode *n;
    switch (e->type) {
    case FYET_SCALAR: {
        n = new_node(b, Y_SCALAR, m);
        if (!n)
            return -1;
        n->str = scalar_text(b, e->scalar.value, &n->len);
        if (!n->str) {
            b->err = KZ_ENOMEM;
            return -1;
        }
        n->plain = !e->scalar.value || fy_token_scalar_style(e->scalar.value) == FYSS_PLAIN;
        const char *an;
        size_t al;
        if (anchor_name(b, e->scalar.anchor, &an, &al) || add_anchor(b, an, al, n))
            return -1;
        b->weight = sat_add(b->weight, 1);
        return push_child(b, n, n->line, n->col);
    }
    case FYET_ALIAS: {
        size_t len = 0;
        const char *name = fy_token_get_text(e->alias.anchor, &len);
        int line = m ? m->line + 1 : 1, col = m ? m->column + 1 : 1;
        n = name ? find_anchor(b, name, len) : NULL;
        if (!n) {
            /* Token text is not NUL-terminated: print it by length. */
            fail(b, line, col, 2, "alias to an unknown anchor '%.*s'", name ? (int)len : 0,
                 name ? name : "");
            return -1;
        }
        b->weight = sat_add(b->weight, n->weight);
        return push_child(b, n, line, col);
    }
    case FYET_MAPPING_START:
    case FYET_SEQUENCE_START: {
        bool map = e->type == FYET_MAPPING_START;
        n = new_node(b, map ? Y_MAP : Y_SEQ, m);
        if (!n)
            return -1;
        if (b->depth == YTREE_MAX_DEPTH) {
            fail(b, n->line, n->col, 3, "nesting deeper than %d levels", YTREE_MAX_DEPTH);
            return -1;
        }
        struct frame *f = &b->stack[b->depth++];
        *f = (struct frame){.node = n};
        b->weight = sat_add(b->weight, 1);
        /* The anchor is registered when the node is complete, so an alias can never
         * point into its own (still open) ancestor and make a cycle. */
        return anchor_name(b, map ? e->mapping_start.anchor : e->sequence_start.anchor, &f->anchor,
                           &f->anchor_len);
    }
    case FYET_MAPPING_END:
    case FYET_SEQUENCE_END: {
        if (b->depth == 0)
            return 0;
        struct frame *f = &b->stack[b->depth - 1];
        n = f->node;
        const char *an = f->anchor;
        size_t al = f->anchor_len;
        if (close_frame(b) || add_anchor(b, an, al, n))
            return -1;
        return push_child(b, n, n->line, n->col);
    }
    default:
        return 0;
    }
}

/*
 * Finds the first byte that is not valid UTF-8 (or is NUL) and its 1-based line and
 * column. libfyaml 0.7.12 loops forever on invalid UTF-8 inside a `%` directive, so
 * no byte reaches it unchecked. Returns the offset, or len when the text is clean.
 */
static size_t first_bad_byte(const unsigned char *s, size_t len, int *line, int *col)
{
    *line = 1;
    *col = 1;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t n = c < 0x80             ? 1
                   : (c & 0xe0) == 0xc0 ? 2
                   : (c & 0xf0) == 0xe0 ? 3
                   : (c & 0xf8) == 0xf0 ? 4
                                        : 0;
        if (c == 0 || n == 0 || i + n > len || (n == 2 && c < 0xc2) || (n == 4 && c > 0xf4))
            return i;
        for (size_t k = 1; k < n; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return i;
        /* Overlong three- and four-byte forms, surrogates, and code points past U+10FFFF. */
        if ((n == 3 && c == 0xe0 && s[i + 1] < 0xa0) || (n == 3 && c == 0xed && s[i + 1] > 0x9f) ||
            (n == 4 && c == 0xf0 && s[i + 1] < 0x90) || (n == 4 && c == 0xf4 && s[i + 1] > 0x8f))
            return i;
        if (c == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
        i += n;
    }
    return len;
}

int ydoc_parse(const char *file, const char *buf, size_t len, struct ydoc *out, kz_diags *d)
{
    struct builder *b = calloc(1, sizeof *b);
    struct fy_diag *fd = NULL;
    struct fy_parser *p = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    if (!b)
        return KZ_ENOMEM;
    int bl, bc;
    size_t bad = first_bad_byte((const unsigned char *)buf, len, &bl, &bc);
    if (bad < len) {
        free(b);
        return kz_diags_add(d, file, bl, bc, KZ_SEV_ERROR, 1,
                            buf[bad] ? "invalid UTF-8 (byte 0x%02x): structure files are UTF-8 text"
                                     : "NUL byte (0x%02x): a binary file, not YAML text",
                            (unsigned char)buf[bad])
                   ? KZ_ENOMEM
                   : KZ_EPARSE;
    }
    b->file = file;
    b->buf = buf;
    b->len = len;
    b->d = d;
    b->doc = out;

    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = NULL;
    dc.level = FYET_ERROR;
    fd = fy_diag_create(&dc);
    if (!fd) {
        rc = KZ_ENOMEM;
        goto out_builder;
    }
    fy_diag_set_collect_errors(fd, true);
    struct fy_parse_cfg cfg = {0};
    cfg.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG | FYPCF_JSON_NONE;
    cfg.diag = fd;
    p = fy_parser_create(&cfg);
    if (!p) {
        rc = KZ_ENOMEM;
        goto out_diag;
    }
    if (fy_parser_set_string(p, buf, len)) {
        rc = KZ_ENOMEM;
        goto out_parser;
    }

    struct fy_event *e;
    while (!b->err && (e = fy_parser_parse(p)) != NULL) {
        const struct fy_mark *mk = fy_event_start_mark(e);
        int line = mk ? mk->line + 1 : 0, col = mk ? mk->column + 1 : 0;
        int r = on_event(b, e);
        fy_parser_event_free(p, e);
        if (r)
            break;
        if (b->weight > YTREE_MAX_WEIGHT) {
            fail(b, line, col, 3, "document expands to more than %u nodes through aliases",
                 YTREE_MAX_WEIGHT);
            break;
        }
    }
    if (fy_parser_get_stream_error(p)) {
        void *it = NULL;
        struct fy_diag_error *de;
        bool any = false;
        while ((de = fy_diag_errors_iterate(fd, &it)) != NULL) {
            fail(b, de->line, de->column, 2, "%s", de->msg ? de->msg : "YAML syntax error");
            any = true;
        }
        if (!any)
            fail(b, 0, 0, 2, "YAML syntax error");
    }
    rc = b->err;
    if (rc == KZ_OK && !out->root) {
        /* An empty file or one holding only comments. */
        fail(b, 1, 1, 2, "the file holds no YAML document");
        rc = KZ_EPARSE;
    }
    for (int i = 0; i < b->depth; i++)
        free(b->stack[i].v);
out_parser:
    fy_parser_destroy(p);
out_diag:
    fy_diag_destroy(fd);
out_builder:
    free(b);
    if (rc)
        ydoc_free(out);
    return rc;
}

void ydoc_free(struct ydoc *doc)
{
    arena_free(&doc->arena);
    doc->root = NULL;
}

bool ynode_is_null(const struct ynode *n)
{
    if (!n)
        return true;
    if (n->type != Y_SCALAR || !n->plain)
        return false;
    return n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
           strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0;
}

struct ynode *ymap_get(const struct ynode *map, const char *key)
{
    if (!map || map->type != Y_MAP)
        return NULL;
    size_t kl = strlen(key);
    for (size_t i = 0; i < map->n; i++) {
        const struct ynode *k = map->kids[2 * i];
        if (k->type == Y_SCALAR && k->len == kl && memcmp(k->str, key, kl) == 0)
            return map->kids[2 * i + 1];
    }
    return NULL;
}
