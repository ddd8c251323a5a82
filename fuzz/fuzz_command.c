/* fuzz_command.c - libFuzzer target: untrusted text as an operator's command (kizuna send --file,
 * a journal's command row) through cmd_parse, and what parses through the one encoder and back. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/kizuna.h"
#include "live/command.h"

/*
 * Input: the text of one command (YAML or JSON), parsed against tests/data/sim/line.yaml.
 * Invariants, beyond ASan and UBSan: a command that parses encodes (cmd_encode never refuses
 * what cmd_parse accepted), its encoding parses again, and encoding that gives the same text
 * (the encoder and the parser agree on every field).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kz_model *M;

static void load(void)
{
    kz_diags *d = NULL;
    if (kz_diags_create(&d) ||
        kz_model_load_file(KZ_SOURCE_DIR "/tests/data/sim/line.yaml", &M, d) != 0)
        abort();
    kz_diags_destroy(d);
}

static bool parse(const char *text, size_t len, struct command *c)
{
    kz_diags *d = NULL;
    if (kz_diags_create(&d))
        abort();
    int rc = cmd_parse(M, "command", text, len, c, d);
    kz_diags_destroy(d);
    return rc == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!M)
        load();
    struct command a, b;
    if (!parse((const char *)data, size, &a))
        return 0;
    char *j1 = NULL, *j2 = NULL, err[200];
    if (cmd_encode(M, &a, &j1, err, sizeof err) != 0) {
        fprintf(stderr, "parsed but not encoded: %s\n", err);
        abort();
    }
    if (!parse(j1, strlen(j1), &b)) {
        fprintf(stderr, "encoded but not parsed: %s\n", j1);
        abort();
    }
    if (cmd_encode(M, &b, &j2, err, sizeof err) != 0 || strcmp(j1, j2) != 0) {
        fprintf(stderr, "round trip differs:\n%s\n%s\n", j1, j2 ? j2 : err);
        abort();
    }
    free(j1);
    free(j2);
    return 0;
}
