/* test_ytree.c - the positioned YAML tree: places, aliases, duplicate keys, limits, bad bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "model/ytree.h"

static int parse(const char *text, struct ydoc *doc, kz_diags **d)
{
    assert_int_equal(kz_diags_create(d), KZ_OK);
    return ydoc_parse("t.yaml", text, strlen(text), doc, *d);
}

static void positions_of_every_node(void **state)
{
    (void)state;
    struct ydoc doc;
    kz_diags *d;
    const char *text = "a: 1\n"
                       "list:\n"
                       "  - {x: y}\n"
                       "  - [p, q]\n";
    assert_int_equal(parse(text, &doc, &d), KZ_OK);
    const struct ynode *root = doc.root;
    assert_int_equal(root->type, Y_MAP);
    assert_int_equal(root->n, 2);
    const struct ynode *list = ymap_get(root, "list");
    assert_non_null(list);
    assert_int_equal(list->type, Y_SEQ);
    assert_int_equal(list->n, 2);
    /* Mappings and sequences carry their own place, which libfyaml alone does not give. */
    assert_int_equal(list->kids[0]->type, Y_MAP);
    assert_int_equal(list->kids[0]->line, 3);
    assert_int_equal(list->kids[0]->col, 5);
    assert_int_equal(list->kids[1]->type, Y_SEQ);
    assert_int_equal(list->kids[1]->line, 4);
    const struct ynode *q = list->kids[1]->kids[1];
    assert_string_equal(q->str, "q");
    assert_int_equal(q->line, 4);
    assert_int_equal(q->col, 9);
    assert_int_equal(kz_diags_count(d), 0);
    ydoc_free(&doc);
    kz_diags_destroy(d);
}

static void aliases_share_and_count(void **state)
{
    (void)state;
    struct ydoc doc;
    kz_diags *d;
    const char *text = "base: &b {dist: fixed, value: 5m}\n"
                       "use: *b\n";
    assert_int_equal(parse(text, &doc, &d), KZ_OK);
    const struct ynode *base = ymap_get(doc.root, "base"), *use = ymap_get(doc.root, "use");
    assert_ptr_equal(base, use);
    /* root + 2 keys + base subtree counted twice (1 map + 4 scalars each) */
    assert_int_equal(doc.root->weight, 1 + 2 + 5 + 5);
    ydoc_free(&doc);
    kz_diags_destroy(d);
}

static void alias_bomb_refused(void **state)
{
    (void)state;
    struct ydoc doc;
    kz_diags *d;
    char text[2048] = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i < 9; i++) {
        char line[200];
        snprintf(line, sizeof line, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n",
                 i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
        strcat(text, line);
    }
    assert_int_equal(parse(text, &doc, &d), KZ_EPARSE);
    assert_null(doc.root);
    assert_int_equal(kz_diags_get(d, 0)->code, 3);
    kz_diags_destroy(d);
}

static void deep_nesting_refused(void **state)
{
    (void)state;
    struct ydoc doc;
    kz_diags *d;
    char *text = malloc(1000);
    assert_non_null(text);
    memset(text, '[', 500);
    text[500] = '\0';
    assert_int_equal(parse(text, &doc, &d), KZ_EPARSE);
    int found = 0;
    for (size_t i = 0; i < kz_diags_count(d); i++)
        found |= kz_diags_get(d, i)->code == 3;
    assert_true(found);
    free(text);
    kz_diags_destroy(d);
}

static void duplicate_keys_located(void **state)
{
    (void)state;
    struct ydoc doc;
    kz_diags *d;
    assert_int_equal(parse("a: 1\nb: 2\na: 3\n", &doc, &d), KZ_EPARSE);
    assert_int_equal(kz_diags_count(d), 1);
    const struct kz_diag *g = kz_diags_get(d, 0);
    assert_int_equal(g->code, 7);
    assert_int_equal(g->line, 3);
    assert_int_equal(g->col, 1);
    kz_diags_destroy(d);
}

static void bad_bytes_and_empty(void **state)
{
    (void)state;
    struct ydoc doc;
    kz_diags *d;
    /* Invalid UTF-8 in a directive hangs libfyaml 0.7.12; it must be refused first. */
    assert_int_equal(parse("%YAML\x90\n", &doc, &d), KZ_EPARSE);
    assert_int_equal(kz_diags_get(d, 0)->code, 1);
    assert_int_equal(kz_diags_get(d, 0)->col, 6);
    kz_diags_destroy(d);
    assert_int_equal(kz_diags_create(&d), KZ_OK);
    assert_int_equal(ydoc_parse("t.yaml", "a: b\0c", 6, &doc, d), KZ_EPARSE);
    assert_int_equal(kz_diags_get(d, 0)->code, 1);
    kz_diags_destroy(d);
    assert_int_equal(parse("# only a comment\n", &doc, &d), KZ_EPARSE);
    assert_int_equal(kz_diags_get(d, 0)->code, 2);
    kz_diags_destroy(d);
    assert_int_equal(parse("a: 1\n---\nb: 2\n", &doc, &d), KZ_EPARSE);
    assert_int_equal(kz_diags_get(d, 0)->code, 2);
    kz_diags_destroy(d);
    assert_int_equal(parse("a: *nowhere\n", &doc, &d), KZ_EPARSE);
    assert_string_equal(kz_diags_get(d, 0)->msg, "alias to an unknown anchor 'nowhere'");
    kz_diags_destroy(d);
}

static void syntax_error_located(void **state)
{
    (void)state;
    struct ydoc doc;
    kz_diags *d;
    assert_int_equal(parse("a: 1\nb: [1, 2\nc: 3\n", &doc, &d), KZ_EPARSE);
    assert_true(kz_diags_count(d) >= 1);
    assert_int_equal(kz_diags_get(d, 0)->code, 2);
    assert_true(kz_diags_get(d, 0)->line >= 2);
    kz_diags_destroy(d);
}

static void single_quoted_scalars(void **state)
{
    (void)state;
    /* libfyaml 0.7.12 alone decodes c as x followed by three quotes. */
    const char *text = "a: 'it''s'\n"
                       "b: 'Japan''s JSDF'\n"
                       "c: 'x''''y'\n"
                       "d: 'one\n  two\n\n  three'\n"
                       "e: ''\n"
                       "f: \"tab\\there\"\n";
    struct ydoc doc;
    kz_diags *d;
    assert_int_equal(parse(text, &doc, &d), KZ_OK);
    assert_string_equal(ymap_get(doc.root, "a")->str, "it's");
    assert_string_equal(ymap_get(doc.root, "b")->str, "Japan's JSDF");
    assert_string_equal(ymap_get(doc.root, "c")->str, "x''y");
    assert_string_equal(ymap_get(doc.root, "d")->str, "one two\nthree");
    assert_int_equal(ymap_get(doc.root, "e")->len, 0);
    assert_false(ymap_get(doc.root, "e")->plain);
    assert_string_equal(ymap_get(doc.root, "f")->str, "tab\there");
    ydoc_free(&doc);
    kz_diags_destroy(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(positions_of_every_node), cmocka_unit_test(aliases_share_and_count),
        cmocka_unit_test(alias_bomb_refused),      cmocka_unit_test(deep_nesting_refused),
        cmocka_unit_test(duplicate_keys_located),  cmocka_unit_test(bad_bytes_and_empty),
        cmocka_unit_test(syntax_error_located),    cmocka_unit_test(single_quoted_scalars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
