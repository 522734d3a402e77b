/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront fuzzing: the libFuzzer entry points every target defines, so
 * that fuzz/replay.c (gcc, make check) and libFuzzer (clang, make fuzz)
 * drive the same code.
 */
#ifndef TF_FUZZ_H
#define TF_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Once per process, before any input: fixtures (temp files, contexts). */
int	LLVMFuzzerInitialize(int *argc, char ***argv);
/* One input; returns 0. A violated property abort()s: a crash. */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
